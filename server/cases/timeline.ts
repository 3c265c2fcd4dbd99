import { createHash } from "node:crypto";
import { and, asc, eq, gt, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import {
  entities,
  eventEntities,
  timelineEvents,
  users,
  type EntityKind,
  type EntityRole,
  type EventRelation,
  type EventSource,
} from "@/db/schema";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import { commitment, newSalt } from "../ledger/commitment";
import type { JsonValue } from "../ledger/canonical";
import type { RequestMeta } from "../request-meta";
import { actorOf, type CaseAccess, requireWrite } from "./access";
import { caseEntitiesById, ensureEntities, recordEntityAdded, refreshSeen } from "./entities";
import { type ImportFormat, parseTimelineImport, type ImportProblem } from "./import-parse";
import { normaliseEntityValue } from "./normalise";

export type EventEntityInput =
  | { entityId: string; relation: EventRelation }
  | { kind: EntityKind; value: string; role?: EntityRole; relation: EventRelation };

export type NewEvent = {
  occurredAt: Date;
  title: string;
  description?: string;
  category?: string | null;
  attackTechnique?: string | null;
  raw?: Record<string, unknown> | null;
  starred?: boolean;
  entities?: EventEntityInput[];
};

type Link = { entityId: string; relation: EventRelation };

/** Resolves an event's entity references: existing ids are checked, inline ones found or created. */
async function resolveLinks(tx: Tx, access: CaseAccess, refs: EventEntityInput[]) {
  const byId = refs.flatMap((r) => ("entityId" in r ? [r] : []));
  const inline = refs.flatMap((r, i) => {
    if ("entityId" in r) return [];
    try {
      return [{ ...r, value: normaliseEntityValue(r.kind, r.value) }];
    } catch (error) {
      if (error instanceof DomainError) {
        throw new DomainError("BAD_REQUEST", error.message, { field: `entities.${i}.value` });
      }
      throw error;
    }
  });
  const known = await caseEntitiesById(
    tx,
    access,
    byId.map((r) => r.entityId),
  );
  const ensured = await ensureEntities(tx, access, inline);
  const idOf = new Map(ensured.map((e) => [`${e.kind}\u0000${e.value}`, e.id]));
  const links: Link[] = [
    ...byId.map((r) => ({ entityId: r.entityId, relation: r.relation })),
    ...inline.flatMap((r) => {
      const entityId = idOf.get(`${r.kind}\u0000${r.value}`);
      return entityId ? [{ entityId, relation: r.relation }] : [];
    }),
  ];
  const unique = [...new Map(links.map((l) => [`${l.entityId}:${l.relation}`, l])).values()];
  return { links: unique, created: ensured.filter((e) => e.created), known: [...known, ...ensured] };
}

export async function addEvent(
  db: Db,
  access: CaseAccess,
  input: NewEvent,
  request: RequestMeta | null = null,
  source: EventSource = "manual",
): Promise<{ id: string }> {
  requireWrite(access);
  return db.transaction(async (tx) => {
    const { links, created, known } = await resolveLinks(tx, access, input.entities ?? []);
    const salt = newSalt();
    const description = input.description ?? "";
    const [event] = await tx
      .insert(timelineEvents)
      .values({
        caseId: access.caseId,
        occurredAt: input.occurredAt,
        source,
        title: input.title,
        description,
        salt,
        category: input.category || null,
        attackTechnique: input.attackTechnique || null,
        raw: input.raw ?? null,
        starred: input.starred ?? false,
        authorId: access.user.id,
      })
      .returning({ id: timelineEvents.id });
    if (!event) throw new Error("event not created");
    if (links.length) await tx.insert(eventEntities).values(links.map((l) => ({ eventId: event.id, ...l })));
    await refreshSeen(
      tx,
      access,
      links.map((l) => l.entityId),
    );
    await recordEntityAdded(tx, access, created, request);
    const named = new Map(known.map((e) => [e.id, e]));
    await appendLedger(tx, {
      type: "timeline.event_added",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: [event.id, ...links.map((l) => l.entityId)],
      payload: {
        occurredAt: input.occurredAt.toISOString(),
        source,
        entities: links.map((l) => ({
          kind: named.get(l.entityId)?.kind ?? null,
          value: named.get(l.entityId)?.value ?? null,
          relation: l.relation,
        })),
        commitments: { [event.id]: commitment("event", salt, { title: input.title, description }) },
      },
      request,
    });
    return event;
  });
}

export async function setStarred(
  db: Db,
  access: CaseAccess,
  input: { eventId: string; starred: boolean },
  request: RequestMeta | null = null,
): Promise<void> {
  requireWrite(access);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(timelineEvents)
      .set({ starred: input.starred })
      .where(
        and(
          eq(timelineEvents.caseId, access.caseId),
          eq(timelineEvents.id, input.eventId),
          sql`${timelineEvents.starred} <> ${input.starred}`,
        ),
      )
      .returning({ id: timelineEvents.id });
    if (!row) {
      const [exists] = await tx
        .select({ id: timelineEvents.id })
        .from(timelineEvents)
        .where(and(eq(timelineEvents.caseId, access.caseId), eq(timelineEvents.id, input.eventId)));
      if (!exists) throw new DomainError("NOT_FOUND", "No such event in this case", { field: "eventId" });
      return; // already so
    }
    await appendLedger(tx, {
      type: input.starred ? "timeline.event_starred" : "timeline.event_unstarred",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: [input.eventId],
      payload: {},
      request,
    });
  });
}

export type TimelineFilters = {
  entityId?: string;
  entityKind?: EntityKind;
  source?: EventSource;
  starred?: boolean;
  category?: string;
  from?: Date;
  to?: Date;
  q?: string;
  cursor?: { occurredAt: Date; id: string } | null;
  limit?: number;
};

/** Chronological page of the case's timeline, oldest first, with each event's linked entities. */
export async function listEvents(db: DbOrTx, access: CaseAccess, filters: TimelineFilters) {
  const limit = filters.limit ?? 50;
  const where: SQL[] = [eq(timelineEvents.caseId, access.caseId)];
  if (filters.entityId) {
    where.push(
      sql`exists (select 1 from ${eventEntities} where ${eventEntities.eventId} = ${timelineEvents.id} and ${eventEntities.entityId} = ${filters.entityId})`,
    );
  }
  if (filters.entityKind) {
    where.push(
      sql`exists (select 1 from ${eventEntities} join ${entities} on ${entities.id} = ${eventEntities.entityId}
                  where ${eventEntities.eventId} = ${timelineEvents.id} and ${entities.kind} = ${filters.entityKind})`,
    );
  }
  if (filters.source) where.push(eq(timelineEvents.source, filters.source));
  if (filters.starred !== undefined) where.push(eq(timelineEvents.starred, filters.starred));
  if (filters.category) where.push(eq(timelineEvents.category, filters.category));
  if (filters.from) where.push(gte(timelineEvents.occurredAt, filters.from));
  if (filters.to) where.push(lt(timelineEvents.occurredAt, filters.to));
  if (filters.q) where.push(sql`${timelineEvents.search} @@ websearch_to_tsquery('simple', ${filters.q})`);
  if (filters.cursor) {
    const after = or(
      gt(timelineEvents.occurredAt, filters.cursor.occurredAt),
      and(eq(timelineEvents.occurredAt, filters.cursor.occurredAt), gt(timelineEvents.id, filters.cursor.id)),
    );
    if (after) where.push(after);
  }
  const rows = await db
    .select({
      id: timelineEvents.id,
      occurredAt: timelineEvents.occurredAt,
      recordedAt: timelineEvents.recordedAt,
      source: timelineEvents.source,
      title: timelineEvents.title,
      description: timelineEvents.description,
      category: timelineEvents.category,
      attackTechnique: timelineEvents.attackTechnique,
      starred: timelineEvents.starred,
      raw: timelineEvents.raw,
      authorName: users.name,
    })
    .from(timelineEvents)
    .innerJoin(users, eq(users.id, timelineEvents.authorId))
    .where(and(...where))
    .orderBy(asc(timelineEvents.occurredAt), asc(timelineEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const links = page.length
    ? await db
        .select({
          eventId: eventEntities.eventId,
          relation: eventEntities.relation,
          id: entities.id,
          kind: entities.kind,
          value: entities.value,
          role: entities.role,
        })
        .from(eventEntities)
        .innerJoin(entities, eq(entities.id, eventEntities.entityId))
        .where(
          and(
            eq(entities.caseId, access.caseId),
            inArray(
              eventEntities.eventId,
              page.map((e) => e.id),
            ),
          ),
        )
    : [];
  const last = page.at(-1);
  return {
    events: page.map((e) => ({
      ...e,
      raw: e.raw as JsonValue | null,
      entities: links.filter((l) => l.eventId === e.id).map(({ eventId: _, ...l }) => l),
    })),
    nextCursor: rows.length > limit && last ? { occurredAt: last.occurredAt, id: last.id } : null,
  };
}

/** Commitments of events as stored (their salts came from the column default). */
async function eventCommitments(tx: Tx, access: CaseAccess, ids: string[]) {
  const rows = await tx
    .select({
      id: timelineEvents.id,
      title: timelineEvents.title,
      description: timelineEvents.description,
      salt: timelineEvents.salt,
    })
    .from(timelineEvents)
    .where(
      and(
        eq(timelineEvents.caseId, access.caseId),
        sql`${timelineEvents.id} = any(${sql.param(ids)}::uuid[])`,
      ),
    );
  const byId = new Map(rows.map((r) => [r.id, commitment("event", r.salt, r)]));
  return Object.fromEntries(
    ids.flatMap((id) => {
      const c = byId.get(id);
      return c ? [[id, c]] : [];
    }),
  );
}

/** Rows per INSERT of an import: events have ~10 columns each (well under 65,535 parameters). */
const EVENTS_PER_STATEMENT = 1000;
const LINKS_PER_STATEMENT = 10_000;

function* batches<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export type ImportResult = { imported: number; problems: ImportProblem[]; sha256: string };

/**
 * Imports timeline events from CSV or JSON lines. Bad rows are reported by line
 * and skipped; all good rows are written in one transaction, so an import is
 * never half-written.
 */
export async function importEvents(
  db: Db,
  access: CaseAccess,
  input: { format: ImportFormat; content: string; fileName?: string },
  request: RequestMeta | null = null,
): Promise<ImportResult> {
  requireWrite(access);
  const { rows, problems } = parseTimelineImport(input.format, input.content);
  const sha256 = createHash("sha256").update(input.content, "utf8").digest("hex");
  if (rows.length === 0) return { imported: 0, problems, sha256 };
  await db.transaction(async (tx) => {
    const ensured = await ensureEntities(
      tx,
      access,
      rows.flatMap((r) => r.entities),
    );
    const idOf = new Map(ensured.map((e) => [`${e.kind}\u0000${e.value}`, e.id]));
    const eventIds: string[] = [];
    // Statements stay small whatever the file holds: PostgreSQL takes at most 65,535
    // parameters per statement, and building one giant statement exhausts the stack.
    for (const chunk of batches(rows, EVENTS_PER_STATEMENT)) {
      const inserted = await tx
        .insert(timelineEvents)
        .values(
          chunk.map((r) => ({
            caseId: access.caseId,
            occurredAt: r.occurredAt,
            source: "import" as const,
            title: r.title,
            description: r.description,
            category: r.category,
            attackTechnique: r.attackTechnique,
            raw: r.raw,
            starred: r.starred,
            authorId: access.user.id,
          })),
        )
        .returning({ id: timelineEvents.id });
      const links = chunk.flatMap((r, j) => {
        const eventId = inserted[j]?.id;
        if (!eventId) return [];
        eventIds.push(eventId);
        return r.entities.flatMap((e) => {
          const entityId = idOf.get(`${e.kind}\u0000${e.value}`);
          return entityId ? [{ eventId, entityId, relation: e.relation }] : [];
        });
      });
      // Links go in as three arrays per statement: a few parameters, however many links.
      for (const part of batches(links, LINKS_PER_STATEMENT))
        await tx.execute(sql`
          insert into ${eventEntities} (event_id, entity_id, relation)
          select * from unnest(${sql.param(part.map((l) => l.eventId))}::uuid[],
            ${sql.param(part.map((l) => l.entityId))}::uuid[],
            ${sql.param(part.map((l) => l.relation))}::event_relation[])
          on conflict do nothing`);
    }
    await refreshSeen(
      tx,
      access,
      ensured.map((e) => e.id),
    );
    await recordEntityAdded(
      tx,
      access,
      ensured.filter((e) => e.created),
      request,
    );
    await appendLedger(tx, {
      type: "timeline.imported",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: eventIds,
      payload: {
        format: input.format,
        sha256,
        imported: eventIds.length,
        rejectedLines: problems.map((p) => p.line),
        commitments: await eventCommitments(tx, access, eventIds),
      },
      request,
    });
  });
  return { imported: rows.length, problems, sha256 };
}
