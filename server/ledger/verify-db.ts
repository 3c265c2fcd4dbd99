import { asc, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { ledgerCheckpoints, ledgerEntries } from "@/db/schema";
import type { Verifier } from "./checkpoint";
import type { WitnessPolicy } from "./cosignature";
import { rangeHash } from "./merkle";
import { withStoredNodes } from "./store";
import { LedgerVerifier, type VerifyReport } from "./verify";
import { withCosignatures } from "./witness-client";

export type VerifyProgress = { checked: number; total: number };

/**
 * Verifies the stored ledger page by page, yielding progress; the final value
 * is the report. Checkpoints come from the database and from outside it.
 */
export async function* verifyStoredLedger(
  db: DbOrTx,
  options: {
    verifier: Verifier;
    origin: string;
    outsideNotes: string[];
    pageSize?: number;
    witnesses?: WitnessPolicy | null;
  },
): AsyncGenerator<VerifyProgress, VerifyReport> {
  const pageSize = options.pageSize ?? 10_000;
  const stored = await withCosignatures(
    db,
    await db.select({ size: ledgerCheckpoints.size, note: ledgerCheckpoints.note }).from(ledgerCheckpoints),
  );
  const verifier = new LedgerVerifier({
    verifier: options.verifier,
    origin: options.origin,
    notes: [...stored.map((c) => c.note), ...options.outsideNotes],
    witnesses: options.witnesses,
  });
  const [size] = await db.execute<{ total: string }>(
    sql`select coalesce(max(seq) + 1, 0) as total from ledger_entries`,
  );
  const total = Number(size?.total ?? 0);
  let after = -1;
  for (;;) {
    const page = await db
      .select({ seq: ledgerEntries.seq, body: ledgerEntries.body, leafHash: ledgerEntries.leafHash })
      .from(ledgerEntries)
      .where(gt(ledgerEntries.seq, after))
      .orderBy(asc(ledgerEntries.seq))
      .limit(pageSize);
    for (const row of page) verifier.add(row.seq, row.body, row.leafHash);
    const last = page.at(-1);
    if (!last) break;
    after = last.seq;
    yield { checked: verifier.count, total };
  }
  await verifier.locate((lo, hi) => withStoredNodes(db, (node) => rangeHash(lo, hi, node)).catch(() => null));
  return verifier.finish();
}
