import { and, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { ledgerCheckpoints, ledgerEntries } from "@/db/schema";
import { DomainError } from "../errors";
import { verifyCheckpoint, type Verifier } from "./checkpoint";
import { readEntry } from "./entry";
import { eventLabel } from "./events";
import { consistencyProof, inclusionProof, leafHash, verifyConsistency, verifyInclusion } from "./merkle";
import { withStoredNodes } from "./store";
import { type LedgerViewer, visibleTo } from "./visibility";

export type EntryFilter = {
  type?: string;
  actorId?: string;
  caseKey?: string;
  from?: Date;
  to?: Date;
  /** Page cursor: entries with a smaller sequence number. */
  before?: number;
  limit: number;
  viewer: LedgerViewer;
};

const hex = (b: Buffer) => b.toString("hex");

export async function listEntries(db: DbOrTx, filter: EntryFilter) {
  const where: (SQL | undefined)[] = [visibleTo(filter.viewer)];
  if (filter.type) where.push(eq(ledgerEntries.type, filter.type));
  if (filter.actorId) where.push(eq(ledgerEntries.actorId, filter.actorId));
  if (filter.caseKey) where.push(eq(ledgerEntries.caseKey, filter.caseKey));
  // `at` is ISO-8601 UTC with fixed width, so text order is time order.
  if (filter.from) where.push(gte(ledgerEntries.at, filter.from.toISOString()));
  if (filter.to) where.push(lte(ledgerEntries.at, filter.to.toISOString()));
  if (filter.before !== undefined) where.push(lt(ledgerEntries.seq, filter.before));
  const rows = await db
    .select({
      seq: ledgerEntries.seq,
      type: ledgerEntries.type,
      at: ledgerEntries.at,
      caseKey: ledgerEntries.caseKey,
      // An entry the integrator could not read has no type: its body is shown, never cast.
      actorName: sql<
        string | null
      >`case when ${ledgerEntries.type} is not null then ${ledgerEntries.body}::jsonb -> 'actor' ->> 'name' end`,
      leafHash: ledgerEntries.leafHash,
    })
    .from(ledgerEntries)
    .where(and(...where))
    .orderBy(desc(ledgerEntries.seq))
    .limit(filter.limit + 1);
  const page = rows
    .slice(0, filter.limit)
    .map((r) => ({ ...r, label: eventLabel(r.type), leafHash: hex(r.leafHash) }));
  return { entries: page, nextCursor: rows.length > filter.limit ? (page.at(-1)?.seq ?? null) : null };
}

/** The types present in the log, with the explorer's name for each (older or unknown types as written). */
export async function entryTypes(db: DbOrTx): Promise<{ type: string; label: string }[]> {
  const rows = await db
    .selectDistinct({ type: ledgerEntries.type })
    .from(ledgerEntries)
    .orderBy(ledgerEntries.type);
  return rows.flatMap((r) => (r.type ? [{ type: r.type, label: eventLabel(r.type) }] : []));
}

/** People who appear as actors, for the explorer's filter. */
export async function entryActors(db: DbOrTx, viewer: LedgerViewer): Promise<{ id: string; name: string }[]> {
  const rows = await db.execute<{ id: string; name: string | null }>(sql`
    select distinct on (actor_id) actor_id as id, body::jsonb -> 'actor' ->> 'name' as name
    from ledger_entries where actor_id is not null and ${visibleTo(viewer) ?? sql`true`}
    order by actor_id, seq desc`);
  return [...rows]
    .map((r) => ({ id: r.id, name: r.name ?? r.id }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function getEntry(db: DbOrTx, seq: number) {
  const [row] = await db.select().from(ledgerEntries).where(eq(ledgerEntries.seq, seq));
  if (!row) throw new DomainError("NOT_FOUND", `No ledger entry ${seq}`, { field: "seq" });
  // Read as the body says, whatever its version: the column is only the integrator's index.
  const entry = readEntry(row.body);
  return {
    seq: row.seq,
    entryId: row.entryId,
    version: entry?.v ?? null,
    type: entry?.type ?? null,
    label: eventLabel(entry?.type ?? null),
    caseKey: entry?.caseKey ?? null,
    body: row.body,
    leafHash: hex(row.leafHash),
    integratedAt: row.integratedAt,
  };
}

export async function latestCheckpoint(db: DbOrTx) {
  const [row] = await db.select().from(ledgerCheckpoints).orderBy(desc(ledgerCheckpoints.size)).limit(1);
  return row
    ? { size: row.size, root: row.root.toString("base64"), note: row.note, createdAt: row.createdAt }
    : null;
}

/** The latest signed checkpoint, or the one of exactly `size` (NOT_FOUND naming `field` when there is none). */
async function signedCheckpoint(db: DbOrTx, verifier: Verifier, size?: number, field = "size") {
  const [row] = await db
    .select()
    .from(ledgerCheckpoints)
    .where(size === undefined ? undefined : eq(ledgerCheckpoints.size, size))
    .orderBy(desc(ledgerCheckpoints.size))
    .limit(1);
  if (!row && size !== undefined) {
    throw new DomainError("NOT_FOUND", `No signed checkpoint of size ${size}`, { field });
  }
  if (!row) throw new DomainError("PRECONDITION_FAILED", "No signed checkpoint yet: try again in a second");
  let signatureValid = true;
  try {
    verifyCheckpoint(row.note, verifier);
  } catch {
    signatureValid = false;
  }
  return { size: row.size, root: row.root, note: row.note, signatureValid };
}

/**
 * Inclusion of one entry in the latest signed checkpoint: the leaf hash is
 * recomputed from the stored body, the proof read from stored nodes, and both
 * checked against the signed root.
 */
export async function proveInclusion(db: DbOrTx, verifier: Verifier, seq: number) {
  const entry = await getEntry(db, seq);
  const checkpoint = await signedCheckpoint(db, verifier);
  if (seq >= checkpoint.size) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `Entry ${seq} is not covered by a checkpoint yet: try again in a second`,
    );
  }
  const leaf = leafHash(Buffer.from(entry.body, "utf8"));
  const proof = await withStoredNodes(db, (node) => inclusionProof(seq, checkpoint.size, node));
  const included = verifyInclusion(leaf, seq, checkpoint.size, proof, checkpoint.root);
  return {
    seq,
    leafHash: hex(leaf),
    leafMatchesStored: hex(leaf) === entry.leafHash,
    checkpoint: { size: checkpoint.size, root: checkpoint.root.toString("base64"), note: checkpoint.note },
    signatureValid: checkpoint.signatureValid,
    proof: proof.map(hex),
    included,
    verified: included && checkpoint.signatureValid,
  };
}

export async function proveConsistency(db: DbOrTx, verifier: Verifier, size1: number, size2: number) {
  if (size1 > size2) throw new DomainError("BAD_REQUEST", "size1 must not exceed size2", { field: "size1" });
  const first = await signedCheckpoint(db, verifier, size1, "size1");
  const second = await signedCheckpoint(db, verifier, size2, "size2");
  const proof = await withStoredNodes(db, (node) => consistencyProof(size1, size2, node));
  const consistent = verifyConsistency(size1, size2, proof, first.root, second.root);
  return {
    size1,
    size2,
    proof: proof.map(hex),
    signaturesValid: first.signatureValid && second.signatureValid,
    consistent,
    verified: consistent && first.signatureValid && second.signatureValid,
  };
}
