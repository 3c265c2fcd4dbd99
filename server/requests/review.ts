/**
 * The review page's read model: everything an approver needs to decide one request,
 * assembled server-side from what the request names.
 */
import { and, asc, desc, eq, inArray, ne, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { actionRequests, cases, entities, grants, timelineEvents, users } from "@/db/schema";
import { paramsJsonSchema } from "../actions/catalogue";
import type { SessionUser } from "../auth/sessions";
import type { CaseAccess } from "../cases/access";
import { listEvents } from "../cases/timeline";
import { env } from "../env";
import { describeCaseObjects } from "./case-objects";
import { decisionsOf, grantsOf } from "./decisions-and-grants";
import { NOT_FOUND, openRequest } from "./open-request";
import { dbNow, type Params } from "./params";
import { isBusinessHours, progress, summary } from "./policy";

/**
 * Everything an approver needs to decide, assembled server-side. The parts depend only
 * on the request, so they are read concurrently: under load every sequential round trip
 * waits its turn again.
 */
export async function reviewContext(db: DbOrTx, user: SessionUser, requestId: string) {
  const { row, def, type, access, eligible, decided } = await openRequest(db, user, requestId);
  const params = row.params as Params;
  const paramValues = Object.values(params).flatMap((v) => (typeof v === "string" ? [v.toLowerCase()] : []));
  const [
    now,
    [caseRow],
    [requester],
    suspects,
    triggered,
    history,
    similar,
    decisions,
    grantRows,
    caseObjects,
  ] = await Promise.all([
    dbNow(db),
    db
      .select({
        id: cases.id,
        key: cases.key,
        title: cases.title,
        summary: cases.summary,
        severity: cases.severity,
        status: cases.status,
        tlp: cases.tlp,
        leadName: users.name,
      })
      .from(cases)
      .innerJoin(users, eq(users.id, cases.leadId))
      .where(eq(cases.id, row.caseId)),
    db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(eq(users.id, row.requesterId)),
    db
      .select({
        id: entities.id,
        kind: entities.kind,
        value: entities.value,
        role: entities.role,
        notes: entities.notes,
      })
      .from(entities)
      .where(
        and(
          eq(entities.caseId, row.caseId),
          or(
            eq(entities.role, "suspect"),
            paramValues.length ? inArray(sql`lower(${entities.value})`, paramValues) : undefined,
          ),
        ),
      )
      .orderBy(asc(entities.kind), asc(entities.value)),
    triggerWithWindow(db, access, row),
    db
      .select({
        id: actionRequests.id,
        actionKey: actionRequests.actionKey,
        status: actionRequests.status,
        breakGlass: actionRequests.breakGlass,
        createdAt: actionRequests.createdAt,
        uses: grants.uses,
        maxUses: grants.maxUses,
      })
      .from(actionRequests)
      .leftJoin(grants, eq(grants.requestId, actionRequests.id))
      .where(and(eq(actionRequests.requesterId, row.requesterId), ne(actionRequests.id, row.id)))
      .orderBy(desc(actionRequests.createdAt))
      .limit(10),
    db
      .select({
        id: actionRequests.id,
        status: actionRequests.status,
        createdAt: actionRequests.createdAt,
        requesterName: users.name,
        sameCase: sql<boolean>`${actionRequests.caseId} = ${row.caseId}`,
        outcomeNote: actionRequests.outcomeNote,
      })
      .from(actionRequests)
      .innerJoin(users, eq(users.id, actionRequests.requesterId))
      .where(
        and(
          eq(actionRequests.actionKey, row.actionKey),
          ne(actionRequests.id, row.id),
          ne(actionRequests.status, "pending"),
          or(eq(actionRequests.caseId, row.caseId), eq(actionRequests.paramsHash, row.paramsHash)),
        ),
      )
      .orderBy(desc(actionRequests.createdAt))
      .limit(10),
    decisionsOf(db, [row.id]),
    grantsOf(db, [row.id]),
    describeCaseObjects(db, row.caseId, def, params),
  ]);
  if (!caseRow) throw NOT_FOUND();
  const { trigger, window } = triggered;
  const given = decisions.filter((d) => d.decision === "approve").length;
  const outsideHours = !isBusinessHours(now, env().CASEFILE_TIMEZONE);
  const grant = grantRows[0] ?? null;
  return {
    request: {
      ...row,
      params,
      description: def.describe(params),
      actionTitle: type.title,
      riskTier: type.riskTier,
    },
    case: caseRow,
    requester: requester ?? null,
    suspects,
    trigger,
    window,
    history,
    similar,
    decisions,
    grant,
    /** Records of the case the parameters name: shown in place of their ids. */
    caseObjects,
    policy: {
      summary: summary(type),
      progress: progress(type, given, outsideHours),
      outsideBusinessHours: type.businessHours && outsideHours,
      maxDurationMinutes: type.maxDurationMinutes,
      maxUses: type.maxUses,
    },
    paramsSchema: paramsJsonSchema(row.actionKey),
    me: {
      canDecide: eligible.eligible && !decided && row.status === "pending" && row.expiresAt > now,
      whyNot: eligible.eligible
        ? decided
          ? "You have already decided this request"
          : null
        : eligible.reason,
    },
    now,
  };
}

/** The timeline event that triggered the request, and the case's events two hours either side. */
async function triggerWithWindow(
  db: DbOrTx,
  access: CaseAccess,
  row: { caseId: string; triggerEventId: string | null },
) {
  if (!row.triggerEventId) return { trigger: null, window: [] };
  const [trigger] = await db
    .select({ id: timelineEvents.id, title: timelineEvents.title, occurredAt: timelineEvents.occurredAt })
    .from(timelineEvents)
    .where(and(eq(timelineEvents.id, row.triggerEventId), eq(timelineEvents.caseId, row.caseId)));
  if (!trigger) return { trigger: null, window: [] };
  const hours2 = 2 * 60 * 60 * 1000;
  const { events } = await listEvents(db, access, {
    from: new Date(trigger.occurredAt.getTime() - hours2),
    to: new Date(trigger.occurredAt.getTime() + hours2),
    limit: 200,
  });
  return { trigger, window: events };
}
