/**
 * Scheduled verification of the whole audit ledger, and reconciliation of the tables with it. Its outcome is itself a
 * ledger entry (`ledger.verified`), which the dashboard shows and the
 * ledger-verification detector turns into a critical finding when it failed.
 */
import type { Db } from "@/db/client";
import { recordEvent } from "../ledger/record-event";
import type { Verifier } from "../ledger/checkpoint";
import { describeMismatch, reconcileState } from "../ledger/reconcile";
import { verifyStoredLedger } from "../ledger/verify-db";

export async function verifyAndRecord(
  db: Db,
  options: { verifier: Verifier; origin: string; outsideNotes: string[] },
): Promise<{ ok: boolean; entries: number; stateOk: boolean }> {
  const run = verifyStoredLedger(db, options);
  let step = await run.next();
  while (!step.done) step = await run.next();
  const report = step.value;
  // And the tables against the ledger: a row the ledger cannot account for is named.
  const state = await reconcileState(db);
  await recordEvent(db, {
    type: "ledger.verified",
    actor: null,
    payload: {
      ok: report.ok,
      entries: report.entries,
      checkpointsChecked: report.checkpointsChecked,
      firstBadSeq: report.firstBadSeq,
      problem: report.problems[0]?.message ?? null,
      state: {
        ok: state.ok,
        rows: state.rows,
        mismatches: state.mismatches.length,
        first: state.mismatches.slice(0, 20).map((m) => describeMismatch(m)),
      },
    },
  });
  return { ok: report.ok, entries: report.entries, stateOk: state.ok };
}
