/**
 * An evidence export package: what the grantee of an `evidence.export` grant downloads.
 * It carries the item's bytes (where Casefile holds them) and their SHA-256, the chain
 * of custody, and an inclusion proof of each custody ledger entry against a signed
 * checkpoint, so the recipient can check all of it offline. Each download is a use of
 * the grant and an `exported` custody entry tied to it, written in the same transaction.
 */
import { createHash } from "node:crypto";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { custodyEvents, evidence, evidenceContents, ledgerCheckpoints, users } from "@/db/schema";
import { DomainError } from "../errors";
import { appendLedger, type LedgerActor } from "../ledger/append";
import { inclusionProof } from "../ledger/merkle";
import type { LedgerEventType } from "../ledger/events";
import { withStoredNodes } from "../ledger/store";
import type { RequestMeta } from "../request-meta";

export const PACKAGE_FORMAT = "casefile-evidence-package/1";

/** Ledger entry types that record an item's custody. */
const CUSTODY_ENTRY_TYPES: LedgerEventType[] = [
  "evidence.registered",
  "evidence.collected",
  "evidence.custody",
  "evidence.exported",
];

export type EvidencePackage = {
  format: typeof PACKAGE_FORMAT;
  caseKey: string;
  exportedAt: string;
  exportedBy: { id: string; name: string };
  grant: { id: string; destination: string; use: string };
  evidence: {
    id: string;
    name: string;
    sha256: string;
    sizeBytes: number;
    source: string;
    description: string;
    acquiredAt: string;
    mediaType: string | null;
    /** The bytes as UTF-8 text, or null where Casefile holds no copy (registered from elsewhere). */
    content: string | null;
    /** SHA-256 of `content` as packaged: equal to `sha256` when the bytes are intact. */
    contentSha256: string | null;
  };
  custody: {
    id: string;
    action: string;
    at: string;
    actor: string;
    note: string;
    grantId: string | null;
    ledgerEntryId: string | null;
  }[];
  ledger: {
    /** The latest signed checkpoint (C2SP signed note): verify it with the organisation's ledger key. */
    checkpoint: { size: number; root: string; note: string } | null;
    /** Custody entries in the ledger; `proof` is null for one not yet covered by the checkpoint. */
    entries: { entryId: string; seq: number; body: string; proof: string[] | null }[];
  };
};

export async function exportEvidence(
  tx: Tx,
  input: {
    caseId: string;
    caseKey: string;
    evidenceId: string;
    grantId: string;
    destination: string;
    use: string;
    actor: NonNullable<LedgerActor>;
    request: RequestMeta | null;
  },
): Promise<EvidencePackage> {
  const [item] = await tx
    .select({
      id: evidence.id,
      name: evidence.name,
      sha256: evidence.sha256,
      sizeBytes: evidence.sizeBytes,
      source: evidence.source,
      description: evidence.description,
      acquiredAt: evidence.acquiredAt,
      mediaType: evidenceContents.mediaType,
      content: evidenceContents.content,
    })
    .from(evidence)
    .leftJoin(evidenceContents, eq(evidenceContents.evidenceId, evidence.id))
    .where(and(eq(evidence.caseId, input.caseId), eq(evidence.id, input.evidenceId)));
  if (!item)
    throw new DomainError("BAD_REQUEST", "No such evidence in this case", { field: "params.evidenceId" });

  const receipt = await appendLedger(tx, {
    type: "evidence.exported",
    actor: input.actor,
    caseKey: input.caseKey,
    subjects: [item.id, input.grantId],
    payload: {
      name: item.name,
      sha256: item.sha256,
      destination: input.destination,
      grantId: input.grantId,
      use: input.use,
    },
    request: input.request,
  });
  await tx.insert(custodyEvents).values({
    evidenceId: item.id,
    action: "exported",
    actorId: input.actor.id,
    note: `Exported to ${input.destination} (grant ${input.grantId}, use ${input.use})`,
    grantId: input.grantId,
    ledgerEntryId: receipt.entryId,
  });

  const [custody, entries, [checkpoint], [now]] = await Promise.all([
    tx
      .select({
        id: custodyEvents.id,
        action: custodyEvents.action,
        at: custodyEvents.at,
        actor: users.name,
        note: custodyEvents.note,
        grantId: custodyEvents.grantId,
        ledgerEntryId: custodyEvents.ledgerEntryId,
      })
      .from(custodyEvents)
      .innerJoin(users, eq(users.id, custodyEvents.actorId))
      .where(eq(custodyEvents.evidenceId, item.id))
      .orderBy(asc(custodyEvents.at), asc(custodyEvents.id)),
    tx.execute<{ seq: string; entry_id: string; body: string }>(
      sql`select seq, entry_id, body from ledger_entries
          where type = any(${`{${CUSTODY_ENTRY_TYPES.join(",")}}`}::text[]) and body::jsonb -> 'subjects' ? ${item.id}
          order by seq`,
    ),
    tx.select().from(ledgerCheckpoints).orderBy(desc(ledgerCheckpoints.size)).limit(1),
    tx.execute<{ at: string }>(
      sql`select to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at`,
    ),
  ]);
  const size = checkpoint?.size ?? 0;
  const proved = await Promise.all(
    [...entries].map(async (e) => {
      const seq = Number(e.seq);
      const proof =
        seq < size
          ? (await withStoredNodes(tx, (node) => inclusionProof(seq, size, node))).map((h) =>
              h.toString("hex"),
            )
          : null;
      return { entryId: e.entry_id, seq, body: e.body, proof };
    }),
  );
  return {
    format: PACKAGE_FORMAT,
    caseKey: input.caseKey,
    exportedAt: now?.at ?? "",
    exportedBy: input.actor,
    grant: { id: input.grantId, destination: input.destination, use: input.use },
    evidence: {
      id: item.id,
      name: item.name,
      sha256: item.sha256,
      sizeBytes: item.sizeBytes,
      source: item.source,
      description: item.description,
      acquiredAt: item.acquiredAt.toISOString(),
      mediaType: item.mediaType,
      content: item.content,
      contentSha256: item.content === null ? null : createHash("sha256").update(item.content).digest("hex"),
    },
    custody: custody.map((c) => ({ ...c, at: c.at.toISOString() })),
    ledger: {
      checkpoint: checkpoint
        ? { size: checkpoint.size, root: checkpoint.root.toString("base64"), note: checkpoint.note }
        : null,
      entries: proved,
    },
  };
}
