import { and, asc, count, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { ledgerCheckpoints, ledgerEntries } from "@/db/schema";
import { DomainError } from "../errors";
import { BUNDLE_FORMAT, type BundleEntry, type BundleScope, type EvidenceBundle } from "../ledger/bundle";
import { inclusionProof } from "../ledger/merkle";
import { withStoredNodes } from "../ledger/store";
import { withCosignatures } from "../ledger/witness-client";
import { ledgerTime, type ReportScope } from "./scope";

/** Entries carried at most: a bundle stays a file one can mail and open (~15 MB at the cap). */
export const BUNDLE_ENTRY_LIMIT = 10_000;
// Proof nodes are fetched per chunk: one query each, not one per entry or one huge one.
const PROOF_CHUNK = 500;

export type LedgerIdentity = {
  origin: string;
  verifierKey: string;
  /** With witnesses configured: prove against the latest checkpoint that has this many cosignatures. */
  witnessQuorum?: number | null;
};

function bundleScope(scope: ReportScope): BundleScope {
  return scope.kind === "period"
    ? { kind: "period", from: scope.from.toISOString(), to: scope.to.toISOString() }
    : { kind: "case", caseId: scope.caseId, caseKey: scope.caseKey };
}

/** Ledger entries in scope: a case's by `caseId` (the case key), a period's by `at`. */
function entriesInScope(scope: ReportScope): SQL | undefined {
  return scope.kind === "case"
    ? eq(ledgerEntries.caseKey, scope.caseKey)
    : and(gte(ledgerEntries.at, ledgerTime(scope.from)), lt(ledgerEntries.at, ledgerTime(scope.to)));
}

/**
 * Builds the bundle against the latest signed checkpoint: only entries it covers can be
 * proved, so later ones are counted (`notYetCheckpointed`), not carried. Run it in a
 * repeatable-read transaction so the checkpoint, entries and nodes are one snapshot.
 */
export async function buildEvidenceBundle(
  tx: Tx,
  scope: ReportScope,
  ledger: LedgerIdentity,
  generatedAt: Date,
): Promise<EvidenceBundle> {
  const quorum = ledger.witnessQuorum ?? 0;
  const witnessed = sql`(select count(*) from ledger_cosignatures s where s.size = ${ledgerCheckpoints.size}) >= ${quorum}`;
  const latest = (where?: SQL) =>
    tx
      .select({ size: ledgerCheckpoints.size, note: ledgerCheckpoints.note })
      .from(ledgerCheckpoints)
      .where(where)
      .orderBy(desc(ledgerCheckpoints.size))
      .limit(1);
  // A witnessed checkpoint when there is one; else the latest, and verification says it lacks its quorum.
  let [signed] = quorum ? await latest(witnessed) : [];
  if (!signed) [signed] = await latest();
  const [checkpoint] = signed ? await withCosignatures(tx, [signed]) : [];
  if (!checkpoint) {
    throw new DomainError("PRECONDITION_FAILED", "No signed checkpoint yet: try again in a second");
  }
  const rows = await tx
    .select({ seq: ledgerEntries.seq, body: ledgerEntries.body, leafHash: ledgerEntries.leafHash })
    .from(ledgerEntries)
    .where(and(entriesInScope(scope), lt(ledgerEntries.seq, checkpoint.size)))
    .orderBy(asc(ledgerEntries.seq))
    .limit(BUNDLE_ENTRY_LIMIT + 1);
  const [later] = await tx
    .select({ n: count() })
    .from(ledgerEntries)
    .where(and(entriesInScope(scope), gte(ledgerEntries.seq, checkpoint.size)));
  const carried = rows.slice(0, BUNDLE_ENTRY_LIMIT);

  const entries: BundleEntry[] = [];
  for (let i = 0; i < carried.length; i += PROOF_CHUNK) {
    const chunk = carried.slice(i, i + PROOF_CHUNK);
    const proofs = await withStoredNodes(tx, (node) =>
      chunk.map((row) => inclusionProof(row.seq, checkpoint.size, node)),
    );
    chunk.forEach((row, j) =>
      entries.push({
        seq: row.seq,
        // The stored hash, not a recomputed one: if the body was altered, verification shows it.
        leafHash: row.leafHash.toString("hex"),
        proof: (proofs[j] ?? []).map((h) => h.toString("hex")),
        body: row.body,
      }),
    );
  }
  return {
    format: BUNDLE_FORMAT,
    version: 1,
    generatedAt: generatedAt.toISOString(),
    scope: bundleScope(scope),
    origin: ledger.origin,
    verifierKey: ledger.verifierKey,
    checkpoint: checkpoint.note,
    entryLimit: BUNDLE_ENTRY_LIMIT,
    truncated: rows.length > BUNDLE_ENTRY_LIMIT,
    notYetCheckpointed: later?.n ?? 0,
    entries,
  };
}
