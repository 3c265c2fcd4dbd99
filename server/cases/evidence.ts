import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, type SQL } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { parse } from "csv-parse/sync";
import { custodyEvents, evidence, evidenceContents, users, type CustodyAction } from "@/db/schema";
import { DomainError } from "../errors";
import { appendLedger, type LedgerActor } from "../ledger/append";
import { commitment, newSalt } from "../ledger/commitment";
import type { RequestMeta } from "../request-meta";
import { actorOf, type CaseAccess, requireWrite } from "./access";

export type NewEvidence = {
  name: string;
  sha256: string;
  sizeBytes: number;
  source: string;
  description?: string;
  acquiredAt: Date;
};

export async function listEvidence(db: DbOrTx, access: CaseAccess) {
  const items = await db
    .select({
      id: evidence.id,
      executionId: evidence.executionId,
      name: evidence.name,
      sha256: evidence.sha256,
      sizeBytes: evidence.sizeBytes,
      source: evidence.source,
      description: evidence.description,
      acquiredAt: evidence.acquiredAt,
      acquiredBy: users.name,
      createdAt: evidence.createdAt,
    })
    .from(evidence)
    .innerJoin(users, eq(users.id, evidence.acquiredBy))
    .where(eq(evidence.caseId, access.caseId))
    .orderBy(desc(evidence.createdAt));
  const custody = await db
    .select({
      id: custodyEvents.id,
      evidenceId: custodyEvents.evidenceId,
      action: custodyEvents.action,
      at: custodyEvents.at,
      note: custodyEvents.note,
      detail: custodyEvents.detail,
      actorName: users.name,
    })
    .from(custodyEvents)
    .innerJoin(evidence, eq(evidence.id, custodyEvents.evidenceId))
    .innerJoin(users, eq(users.id, custodyEvents.actorId))
    .where(eq(evidence.caseId, access.caseId))
    .orderBy(asc(custodyEvents.at));
  return items.map((item) => ({
    ...item,
    custody: custody
      .filter((c) => c.evidenceId === item.id)
      .map(({ evidenceId: _, detail, ...c }) => ({
        ...c,
        matched: (detail as { matched?: boolean } | null)?.matched ?? null,
      })),
  }));
}

export async function registerEvidence(
  db: Db,
  access: CaseAccess,
  input: NewEvidence,
  request: RequestMeta | null = null,
): Promise<{ id: string }> {
  requireWrite(access);
  return db.transaction((tx) =>
    recordEvidence(
      tx,
      actorOf(access.user),
      {
        caseId: access.caseId,
        caseKey: access.key,
        name: input.name,
        sha256: input.sha256.toLowerCase(),
        sizeBytes: input.sizeBytes,
        source: input.source,
        description: input.description ?? "",
        acquiredBy: access.user.id,
        acquiredAt: input.acquiredAt,
      },
      request,
    ),
  );
}

/** An item of evidence as it enters a case: registered by hand, or collected by an execution. */
export type EvidenceRecord = {
  caseId: string;
  caseKey: string;
  name: string;
  /** Lower-case hex. */
  sha256: string;
  sizeBytes: number;
  source: string;
  description: string;
  acquiredBy: string;
  /** A time the person gives, or the database clock. */
  acquiredAt: Date | SQL;
  /** Collected by an action's execution: its id and the stored file. */
  collected?: { executionId: string; mediaType: string; content: string; rowCount: number };
};

/**
 * Inside the caller's transaction: the evidence row (and its bytes, when collected), its
 * ledger entry committing to its text, and the first link of its chain of custody.
 */
export async function recordEvidence(
  tx: Tx,
  actor: LedgerActor,
  input: EvidenceRecord,
  request: RequestMeta | null = null,
): Promise<{ id: string }> {
  const { collected } = input;
  const text = { name: input.name, source: input.source, description: input.description };
  const salt = newSalt();
  const [item] = await tx
    .insert(evidence)
    .values({
      caseId: input.caseId,
      ...text,
      sha256: input.sha256,
      sizeBytes: input.sizeBytes,
      salt,
      acquiredBy: input.acquiredBy,
      acquiredAt: input.acquiredAt,
      executionId: collected?.executionId ?? null,
    })
    .returning({ id: evidence.id });
  if (!item) throw new Error("evidence not stored");
  if (collected) {
    await tx
      .insert(evidenceContents)
      .values({ evidenceId: item.id, mediaType: collected.mediaType, content: collected.content });
  }
  const receipt = await appendLedger(tx, {
    type: collected ? "evidence.collected" : "evidence.registered",
    actor,
    caseKey: input.caseKey,
    subjects: collected ? [item.id, collected.executionId] : [item.id],
    payload: {
      sha256: input.sha256,
      sizeBytes: input.sizeBytes,
      ...(collected ? { rowCount: collected.rowCount, source: input.source } : {}),
      commitments: { [item.id]: commitment("evidence", salt, text) },
    },
    request,
  });
  await tx.insert(custodyEvents).values({
    evidenceId: item.id,
    action: "collected",
    actorId: input.acquiredBy,
    note: collected ? `Collected by execution ${collected.executionId}` : "",
    ledgerEntryId: receipt.entryId,
  });
  return item;
}

/** Custody a case writer records by hand; collection and export happen through their own paths. */
export type ManualCustodyAction = Exclude<CustodyAction, "collected" | "exported">;

/**
 * Appends to an item's chain of custody. `verified` carries the hash the
 * verifier computed; a mismatch is recorded as such (it is a finding, not an error).
 * An export is never recorded by hand: it is the use of an evidence.export grant.
 */
export async function recordCustody(
  db: Db,
  access: CaseAccess,
  input: { evidenceId: string; action: ManualCustodyAction; note?: string; sha256?: string },
  request: RequestMeta | null = null,
): Promise<{ matched: boolean | null }> {
  requireWrite(access);
  if ((input.action as CustodyAction) === "exported" || (input.action as CustodyAction) === "collected") {
    throw new DomainError(
      "BAD_REQUEST",
      "Exports are downloads under an approved evidence.export grant; they cannot be recorded by hand",
      { field: "action" },
    );
  }
  return db.transaction(async (tx) => {
    const [item] = await tx
      .select({ id: evidence.id, sha256: evidence.sha256 })
      .from(evidence)
      .where(and(eq(evidence.caseId, access.caseId), eq(evidence.id, input.evidenceId)));
    if (!item) throw new DomainError("NOT_FOUND", "No such evidence in this case", { field: "evidenceId" });
    let matched: boolean | null = null;
    if (input.action === "verified") {
      if (!input.sha256) {
        throw new DomainError("BAD_REQUEST", "Verification needs the SHA-256 you computed", {
          field: "sha256",
        });
      }
      matched = input.sha256.toLowerCase() === item.sha256;
    }
    const detail = matched === null ? null : { presented: input.sha256?.toLowerCase() ?? null, matched };
    const note = input.note ?? "";
    const salt = newSalt();
    // The row names its ledger entry, and the entry commits to the row's note: the id comes first.
    const custody = { id: randomUUID() };
    const receipt = await appendLedger(tx, {
      type: "evidence.custody",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: [item.id, custody.id],
      payload: {
        action: input.action,
        ...(detail ?? {}),
        commitments: { [custody.id]: commitment("custody", salt, { note }) },
      },
      request,
    });
    await tx.insert(custodyEvents).values({
      id: custody.id,
      evidenceId: item.id,
      action: input.action,
      actorId: access.user.id,
      note,
      salt,
      detail,
      ledgerEntryId: receipt.entryId,
    });
    return { matched };
  });
}

/** Rows shown in the browser; the whole file is downloadable and hashes to the recorded SHA-256. */
export const SHOWN_ROWS = 500;

/**
 * The stored bytes of an item Casefile collected itself (a query's CSV), parsed for
 * display; items registered from elsewhere have no bytes here (`stored: false`).
 */
export async function evidenceContent(db: DbOrTx, access: CaseAccess, evidenceId: string) {
  const [row] = await db
    .select({
      name: evidence.name,
      sha256: evidence.sha256,
      sizeBytes: evidence.sizeBytes,
      mediaType: evidenceContents.mediaType,
      content: evidenceContents.content,
    })
    .from(evidence)
    .leftJoin(evidenceContents, eq(evidenceContents.evidenceId, evidence.id))
    .where(and(eq(evidence.caseId, access.caseId), eq(evidence.id, evidenceId)));
  if (!row) throw new DomainError("NOT_FOUND", "No such evidence in this case", { field: "evidenceId" });
  const records: string[][] = row.content ? parse(row.content) : [];
  const [columns = [], ...rows] = records;
  return {
    name: row.name,
    sha256: row.sha256,
    sizeBytes: row.sizeBytes,
    stored: row.content !== null,
    mediaType: row.mediaType,
    columns,
    rows: rows.slice(0, SHOWN_ROWS),
    totalRows: rows.length,
  };
}
