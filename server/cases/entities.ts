import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { entities, eventEntities, timelineEvents, type EntityKind, type EntityRole } from "@/db/schema";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import { commitment, newSalt } from "../ledger/commitment";
import type { RequestMeta } from "../request-meta";
import { actorOf, type CaseAccess, requireWrite } from "./access";
import { normaliseEntityValue } from "./normalise";

export type NewEntity = { kind: EntityKind; value: string; role?: EntityRole; notes?: string };

export async function listEntities(db: DbOrTx, access: CaseAccess) {
  return db
    .select({
      id: entities.id,
      kind: entities.kind,
      value: entities.value,
      role: entities.role,
      notes: entities.notes,
      firstSeen: entities.firstSeen,
      lastSeen: entities.lastSeen,
      events: sql<number>`(select count(*)::int from ${eventEntities} where ${eventEntities.entityId} = ${entities.id})`,
    })
    .from(entities)
    .where(eq(entities.caseId, access.caseId))
    .orderBy(asc(entities.role), asc(entities.kind), asc(entities.value));
}

export async function getEntity(db: DbOrTx, access: CaseAccess, entityId: string) {
  const [row] = await db
    .select()
    .from(entities)
    .where(and(eq(entities.caseId, access.caseId), eq(entities.id, entityId)));
  if (!row) throw new DomainError("NOT_FOUND", "No such entity in this case", { field: "entityId" });
  return row;
}

export async function addEntity(
  db: Db,
  access: CaseAccess,
  input: NewEntity,
  request: RequestMeta | null = null,
): Promise<{ id: string }> {
  requireWrite(access);
  const value = normaliseEntityValue(input.kind, input.value);
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(entities)
      .values({
        caseId: access.caseId,
        kind: input.kind,
        value,
        role: input.role ?? "suspect",
        notes: input.notes ?? "",
        createdBy: access.user.id,
      })
      .onConflictDoNothing()
      .returning({ id: entities.id });
    if (!created) {
      throw new DomainError("CONFLICT", `${value} is already an entity of this case`, { field: "value" });
    }
    await recordEntityAdded(
      tx,
      access,
      [{ id: created.id, kind: input.kind, value, role: input.role ?? "suspect" }],
      request,
    );
    return created;
  });
}

export async function updateEntity(
  db: Db,
  access: CaseAccess,
  input: { entityId: string; role?: EntityRole; notes?: string },
  request: RequestMeta | null = null,
): Promise<void> {
  requireWrite(access);
  await db.transaction(async (tx) => {
    const before = await getEntity(tx, access, input.entityId);
    const changes = {
      ...(input.role !== undefined && input.role !== before.role ? { role: input.role } : {}),
      ...(input.notes !== undefined && input.notes !== before.notes ? { notes: input.notes } : {}),
    };
    if (Object.keys(changes).length === 0) return;
    const salt = newSalt();
    await tx
      .update(entities)
      .set({ ...changes, ...(changes.notes !== undefined ? { salt } : {}) })
      .where(and(eq(entities.caseId, access.caseId), eq(entities.id, input.entityId)));
    // The notes are free text: the ledger names them as changed and holds their commitment.
    const { notes: newNotes, ...fields } = changes;
    await appendLedger(tx, {
      type: "entity.updated",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: [input.entityId],
      payload: {
        kind: before.kind,
        value: before.value,
        changes: fields,
        textChanged: newNotes === undefined ? [] : ["notes"],
        ...(newNotes === undefined
          ? {}
          : { commitments: { [input.entityId]: commitment("entity", salt, { notes: newNotes }) } }),
      },
      request,
    });
  });
}

type EnsuredEntity = { id: string; kind: EntityKind; value: string; role: EntityRole; created: boolean };

/**
 * Finds or creates entities by (kind, normalised value) within the case, for
 * events that name them inline. Values must already be normalised.
 */
export async function ensureEntities(
  tx: Tx,
  access: CaseAccess,
  wanted: { kind: EntityKind; value: string; role?: EntityRole }[],
): Promise<EnsuredEntity[]> {
  const unique = new Map(wanted.map((w) => [`${w.kind}\u0000${w.value}`, w]));
  if (unique.size === 0) return [];
  const list = [...unique.values()];
  const createdIds = new Set<string>();
  // In statements of at most 2,000 rows (5 parameters each): an import may name 250,000 entities.
  for (let i = 0; i < list.length; i += 2000) {
    const created = await tx
      .insert(entities)
      .values(
        list.slice(i, i + 2000).map((w) => ({
          caseId: access.caseId,
          kind: w.kind,
          value: w.value,
          role: w.role ?? "suspect",
          createdBy: access.user.id,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: entities.id });
    for (const c of created) createdIds.add(c.id);
  }
  const rows = await tx
    .select({ id: entities.id, kind: entities.kind, value: entities.value, role: entities.role })
    .from(entities)
    .where(
      and(
        eq(entities.caseId, access.caseId),
        sql`(${entities.kind}::text, ${entities.value}) in (select * from unnest(${sql.param(list.map((w) => w.kind))}::text[], ${sql.param(list.map((w) => w.value))}::text[]))`,
      ),
    );
  return rows.map((r) => ({ ...r, created: createdIds.has(r.id) }));
}

/** Checks that entity ids belong to this case; returns them with their kind and value. */
export async function caseEntitiesById(tx: Tx, access: CaseAccess, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await tx
    .select({ id: entities.id, kind: entities.kind, value: entities.value, role: entities.role })
    .from(entities)
    .where(and(eq(entities.caseId, access.caseId), inArray(entities.id, ids)));
  if (rows.length !== new Set(ids).size) {
    throw new DomainError("BAD_REQUEST", "An entity is not part of this case", { field: "entities" });
  }
  return rows;
}

/** First and last seen follow the events an entity is linked to. */
export async function refreshSeen(tx: Tx, access: CaseAccess, entityIds: string[]): Promise<void> {
  if (entityIds.length === 0) return;
  await tx.execute(sql`
    update ${entities} e set first_seen = s.first, last_seen = s.last
    from (
      select ee.entity_id, min(t.occurred_at) as first, max(t.occurred_at) as last
      from ${eventEntities} ee join ${timelineEvents} t on t.id = ee.event_id
      where ee.entity_id = any(${sql.param(entityIds)}::uuid[])
      group by ee.entity_id
    ) s
    where e.id = s.entity_id and e.case_id = ${access.caseId}`);
}

export async function recordEntityAdded(
  tx: Tx,
  access: CaseAccess,
  added: { id: string; kind: EntityKind; value: string; role: EntityRole }[],
  request: RequestMeta | null,
): Promise<void> {
  if (added.length === 0) return;
  // Notes and salts as stored: inline-created entities took the column's salt.
  const stored = await tx
    .select({ id: entities.id, notes: entities.notes, salt: entities.salt })
    .from(entities)
    .where(
      and(
        eq(entities.caseId, access.caseId),
        inArray(
          entities.id,
          added.map((e) => e.id),
        ),
      ),
    );
  const committed = new Map(stored.map((s) => [s.id, commitment("entity", s.salt, s)]));
  for (const entity of added) {
    const c = committed.get(entity.id);
    await appendLedger(tx, {
      type: "entity.added",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: [entity.id],
      payload: {
        kind: entity.kind,
        value: entity.value,
        role: entity.role,
        commitments: c ? { [entity.id]: c } : {},
      },
      request,
    });
  }
}
