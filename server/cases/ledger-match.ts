import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { cases, custodyEvents, entities, evidence, ledgerEntries, notes, timelineEvents } from "@/db/schema";
import { type CommittedKind, type CommittedText, matchesCommitment } from "../ledger/commitment";
import { readEntry } from "../ledger/entry";
import type { CaseAccess } from "./access";

export const MATCHABLE_KINDS = [
  "case",
  "note",
  "event",
  "entity",
  "evidence",
  "custody",
] as const satisfies readonly CommittedKind[];

export type LedgerMatch = {
  id: string;
  /** `not_recorded`: no commitment in the ledger yet (written before commitments, or not integrated yet). */
  status: "matches" | "differs" | "not_recorded";
  /** The ledger entry holding the latest commitment to this record. */
  seq: number | null;
  commitment: string | null;
  /** What anyone with the text needs to recompute the commitment offline. */
  salt: string;
};

type Stored = { id: string; salt: Buffer; text: Record<string, string> };

/** The records' current text and salt, each query scoped to the case. */
async function storedText(
  tx: DbOrTx,
  access: CaseAccess,
  kind: CommittedKind,
  ids: string[],
): Promise<Stored[]> {
  switch (kind) {
    case "case": {
      const rows = await tx
        .select({ id: cases.id, salt: cases.salt, title: cases.title, summary: cases.summary })
        .from(cases)
        .where(and(eq(cases.id, access.caseId), inArray(cases.id, ids)));
      return rows.map(({ id, salt, ...text }) => ({ id, salt, text }));
    }
    case "note": {
      const rows = await tx
        .select({ id: notes.id, salt: notes.salt, body: notes.body })
        .from(notes)
        .where(and(eq(notes.caseId, access.caseId), inArray(notes.id, ids)));
      return rows.map(({ id, salt, ...text }) => ({ id, salt, text }));
    }
    case "event": {
      const t = timelineEvents;
      const rows = await tx
        .select({ id: t.id, salt: t.salt, title: t.title, description: t.description })
        .from(t)
        .where(and(eq(t.caseId, access.caseId), inArray(t.id, ids)));
      return rows.map(({ id, salt, ...text }) => ({ id, salt, text }));
    }
    case "entity": {
      const rows = await tx
        .select({ id: entities.id, salt: entities.salt, notes: entities.notes })
        .from(entities)
        .where(and(eq(entities.caseId, access.caseId), inArray(entities.id, ids)));
      return rows.map(({ id, salt, ...text }) => ({ id, salt, text }));
    }
    case "evidence": {
      const e = evidence;
      const rows = await tx
        .select({ id: e.id, salt: e.salt, name: e.name, source: e.source, description: e.description })
        .from(e)
        .where(and(eq(e.caseId, access.caseId), inArray(e.id, ids)));
      return rows.map(({ id, salt, ...text }) => ({ id, salt, text }));
    }
    case "custody": {
      const rows = await tx
        .select({ id: custodyEvents.id, salt: custodyEvents.salt, note: custodyEvents.note })
        .from(custodyEvents)
        .innerJoin(evidence, eq(evidence.id, custodyEvents.evidenceId))
        .where(and(eq(evidence.caseId, access.caseId), inArray(custodyEvents.id, ids)));
      return rows.map(({ id, salt, ...text }) => ({ id, salt, text }));
    }
  }
}

/**
 * The latest commitment the case's ledger entries hold for each id. Bodies are parsed here
 * rather than cast in SQL, so one odd body cannot fail the lookup.
 */
async function latestCommitments(tx: DbOrTx, access: CaseAccess, ids: string[]) {
  const found = new Map<string, { seq: number; commitment: string }>();
  const wanted = new Set(ids);
  const rows = await tx
    .select({ seq: ledgerEntries.seq, body: ledgerEntries.body })
    .from(ledgerEntries)
    .where(
      and(
        eq(ledgerEntries.caseKey, access.key),
        sql`${ledgerEntries.body} like any(${sql.param(ids.map((id) => `%"${id}":"%`))}::text[])`,
      ),
    )
    .orderBy(sql`${ledgerEntries.seq} desc`);
  for (const row of rows) {
    const committed = readEntry(row.body)?.payload.commitments;
    if (typeof committed !== "object" || committed === null) continue;
    for (const [id, value] of Object.entries(committed)) {
      if (typeof value === "string" && wanted.has(id) && !found.has(id)) {
        found.set(id, { seq: row.seq, commitment: value });
      }
    }
    if (found.size === ids.length) break;
  }
  return found;
}

/** Whether each record's current text matches its latest commitment in the ledger. */
export async function ledgerMatches(
  db: DbOrTx,
  access: CaseAccess,
  input: { kind: CommittedKind; ids: string[] },
): Promise<LedgerMatch[]> {
  const ids = [...new Set(input.ids)];
  const records = await storedText(db, access, input.kind, ids);
  if (records.length === 0) return [];
  const recorded = await latestCommitments(
    db,
    access,
    records.map((r) => r.id),
  );
  return records.map((r) => {
    const entry = recorded.get(r.id);
    const text = r.text as CommittedText<typeof input.kind>;
    return {
      id: r.id,
      status: !entry
        ? "not_recorded"
        : matchesCommitment(input.kind, r.salt, text, entry.commitment)
          ? "matches"
          : "differs",
      seq: entry?.seq ?? null,
      commitment: entry?.commitment ?? null,
      salt: r.salt.toString("hex"),
    };
  });
}
