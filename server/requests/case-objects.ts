/**
 * Parameters that name records of a case (evidence, timeline events, entities) by id.
 * A request may only name its own case's records: checked when it is asked for, when
 * it is decided and when its grant is used. The approver sees the record itself.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import { custodyEvents, entities, evidence, timelineEvents, users } from "@/db/schema";
import type { CaseObjectKind, definitionOf } from "../actions/catalogue";
import { DomainError } from "../errors";
import type { Params } from "./params";

type Definition = NonNullable<ReturnType<typeof definitionOf>>;
type Named = { field: string; kind: CaseObjectKind; id: string };

const LABEL: Record<CaseObjectKind, string> = {
  evidence: "evidence item",
  event: "timeline event",
  entity: "entity",
};

function named(def: Definition, params: Params): Named[] {
  return Object.entries(def.caseObjects ?? {}).flatMap(([field, kind]) => {
    const id = params[field];
    return typeof id === "string" ? [{ field, kind, id }] : [];
  });
}

async function foundIn(tx: Tx, caseId: string, kind: CaseObjectKind, ids: string[]): Promise<Set<string>> {
  const table = kind === "evidence" ? evidence : kind === "event" ? timelineEvents : entities;
  const rows = await tx
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.caseId, caseId), inArray(table.id, ids)));
  return new Set(rows.map((r) => r.id));
}

/** Why the parameters name a record outside the case, or null. */
export async function caseObjectProblem(
  tx: Tx,
  caseId: string,
  def: Definition,
  params: Params,
): Promise<{ field: string; message: string } | null> {
  for (const n of named(def, params)) {
    const found = await foundIn(tx, caseId, n.kind, [n.id]);
    if (!found.has(n.id)) return { field: n.field, message: `no ${LABEL[n.kind]} ${n.id} in this case` };
  }
  return null;
}

/** The same check as a BAD_REQUEST naming the field (`params.evidenceId`). */
export async function requireCaseObjects(
  tx: Tx,
  caseId: string,
  def: Definition,
  params: Params,
  field = "params",
): Promise<void> {
  const problem = await caseObjectProblem(tx, caseId, def, params);
  if (problem) {
    const path = `${field}.${problem.field}`;
    throw new DomainError("BAD_REQUEST", `${path}: ${problem.message}`, { field: path });
  }
}

export type CaseObjectView = {
  field: string;
  kind: CaseObjectKind;
  id: string;
  found: boolean;
  name: string;
  sha256?: string;
  sizeBytes?: number;
  custody?: { action: string; at: Date; actorName: string; note: string }[];
};

/** What the approver sees in place of an id: the record, scoped to the request's case. */
export async function describeCaseObjects(
  db: DbOrTx,
  caseId: string,
  def: Definition,
  params: Params,
): Promise<CaseObjectView[]> {
  const views: CaseObjectView[] = [];
  for (const n of named(def, params)) {
    const missing = { ...n, found: false, name: `not in this case (${n.id})` };
    if (n.kind === "evidence") {
      const [item] = await db
        .select({ name: evidence.name, sha256: evidence.sha256, sizeBytes: evidence.sizeBytes })
        .from(evidence)
        .where(and(eq(evidence.caseId, caseId), eq(evidence.id, n.id)));
      if (!item) {
        views.push(missing);
        continue;
      }
      const custody = await db
        .select({
          action: custodyEvents.action,
          at: custodyEvents.at,
          actorName: users.name,
          note: custodyEvents.note,
        })
        .from(custodyEvents)
        .innerJoin(users, eq(users.id, custodyEvents.actorId))
        .where(eq(custodyEvents.evidenceId, n.id))
        .orderBy(asc(custodyEvents.at));
      views.push({ ...n, found: true, ...item, custody });
    } else if (n.kind === "event") {
      const [row] = await db
        .select({ title: timelineEvents.title })
        .from(timelineEvents)
        .where(and(eq(timelineEvents.caseId, caseId), eq(timelineEvents.id, n.id)));
      views.push(row ? { ...n, found: true, name: row.title } : missing);
    } else {
      const [row] = await db
        .select({ kind: entities.kind, value: entities.value })
        .from(entities)
        .where(and(eq(entities.caseId, caseId), eq(entities.id, n.id)));
      views.push(row ? { ...n, found: true, name: `${row.kind} ${row.value}` } : missing);
    }
  }
  return views;
}
