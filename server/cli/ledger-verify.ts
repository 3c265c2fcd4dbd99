/**
 * npm run ledger:verify                 verify the live ledger (database + checkpoint copies)
 * npm run ledger:verify -- --state      and reconcile the tables with it (every mismatch named)
 * npm run ledger:verify -- FILE [--key VERIFIER_KEY]   verify an export or an evidence bundle offline, no database
 */
import { open, readFile } from "node:fs/promises";
import { createDb } from "@/db/client";
import { looksLikeBundle, verifyEvidenceBundle } from "../ledger/bundle";
import { parseVerifierKey } from "../ledger/checkpoint";
import { verifyExport } from "../ledger/export";
import { ledgerConfig, loadVerifier, readOutsideCheckpoints } from "../ledger/config";
import { verifyStoredLedger } from "../ledger/verify-db";
import type { VerifyReport } from "../ledger/verify";
import { describeMismatch, reconcileState, type StateReport } from "../ledger/reconcile";
import { openDatabase } from "./database";

const args = process.argv.slice(2);
const keyAt = args.indexOf("--key");
const trustedKey = keyAt >= 0 ? args[keyAt + 1] : undefined;
const withState = args.includes("--state");
const file = args.find((a, i) => !a.startsWith("--") && (keyAt < 0 || i !== keyAt + 1));

function printState(state: StateReport): void {
  console.log(`state: ${state.rows} rows reconciled with ${state.entries} entries`);
  if (state.ok) console.log("OK: the tables match the ledger.");
  else {
    console.log(`STATE MISMATCH: ${state.mismatches.length} rows differ from the ledger`);
    for (const m of state.mismatches) console.log(`  - ${describeMismatch(m)}`);
  }
}

function print(report: VerifyReport, what = "the ledger", state: StateReport | null = null): never {
  console.log(`entries: ${report.entries}, checkpoints checked: ${report.checkpointsChecked}`);
  if (report.latestCheckpoint) {
    console.log(
      `latest checkpoint: size ${report.latestCheckpoint.size}, root ${report.latestCheckpoint.root}`,
    );
  }
  if (report.unsignedTail) console.log(`not yet covered by a checkpoint: ${report.unsignedTail} entries`);
  if (report.ok) {
    console.log(`OK: ${what} verifies.`);
    if (state) printState(state);
    process.exit(state && !state.ok ? 1 : 0);
  }
  console.log(`FAILED: first bad entry ${report.firstBadSeq ?? "(none: checkpoint problem)"}`);
  for (const p of report.problems) console.log(`  - ${p.message}`);
  if (state) printState(state);
  process.exit(1);
}

/** The first bytes of the file: enough to tell a bundle from an export without reading it all. */
async function head(path: string): Promise<string> {
  const handle = await open(path, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
    return buffer.toString("utf8", 0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Trust, in order: --key, LEDGER_VERIFIER_KEY, this installation's own key; else the file's (with a warning). */
async function offlineKey(): Promise<string | null> {
  if (trustedKey) return trustedKey;
  return loadVerifier().then(
    (v) => v.verifierKey,
    () => null,
  );
}

async function main() {
  if (file && looksLikeBundle(await head(file))) {
    const report = verifyEvidenceBundle(await readFile(file, "utf8"), await offlineKey());
    if (report.keyFromFile) console.log(`warning: trusting the key inside the bundle: ${report.verifierKey}`);
    if (report.scope) {
      const scope = report.scope;
      console.log(
        `evidence bundle for ${scope.kind === "case" ? `case ${scope.caseKey}` : `${scope.from} to ${scope.to}`}`,
      );
    }
    print(report, "the evidence bundle");
  } else if (file) {
    const started = performance.now();
    const report = await verifyExport(file, await offlineKey());
    if (report.keyFromFile) console.log(`warning: trusting the key inside the export: ${report.verifierKey}`);
    console.log(`verified offline in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    print(report);
  } else {
    const database = await openDatabase();
    const { db, close } = createDb(database.url, { max: 1 });
    let report: VerifyReport;
    let state: StateReport | null = null;
    try {
      const run = verifyStoredLedger(db, {
        verifier: trustedKey ? parseVerifierKey(trustedKey) : (await loadVerifier()).verifier,
        origin: ledgerConfig().origin,
        outsideNotes: await readOutsideCheckpoints(),
      });
      for (;;) {
        const step = await run.next();
        if (step.done) {
          report = step.value;
          break;
        }
        process.stderr.write(`\rchecked ${step.value.checked} / ${step.value.total}`);
      }
      process.stderr.write("\n");
      if (withState) state = await reconcileState(db);
    } finally {
      await close();
      await database.stop();
    }
    print(report, "the ledger", state);
  }
}

main().catch((error: unknown) => {
  console.error(`ledger:verify: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
