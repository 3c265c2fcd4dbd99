/**
 * Reading requests: who may see one, the approver's queue, the review page's
 * context, and a case's requests with their grants and executions.
 */
import { aliasedTable, and, asc, desc, eq, gt, inArray, ne, notExists, or, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import {
  actionRequests,
  actionTypes,
  approvals,
  breakGlassReviews,
  cases,
  entities,
  executions,
  grants,
  timelineEvents,
  users,
} from "@/db/schema";
import { paramsJsonSchema } from "../actions/catalogue";
import { loadActionType } from "../actions/types";
import type { SessionUser } from "../auth/sessions";
import { type CaseAccess, openCase, reviewAccess } from "../cases/access";
import { listEvents } from "../cases/timeline";
import { env } from "../env";
import { DomainError } from "../errors";
import { dbNow, type Params } from "./params";
import { eligibility, isBusinessHours, progress, summary } from "./policy";
import { describeCaseObjects } from "./case-objects";
import { liveGranteesOf } from "./requests";

const NOT_FOUND = () => new DomainError("NOT_FOUND", "No such request, or it is not yours to see");

/**
 * A request's review (it shows the case) is seen by the case's members as they are now,
 * compliance reviewers, and the approvers it is routed to (eligible ones, and those who
 * decided it). Others get NOT_FOUND, its requester too once off the case: losing
 * membership loses the case's content at once, on every path.
 */
export async function openRequest(db: Tx, user: SessionUser, requestId: string) {
  const [row] = await db.select().from(actionRequests).where(eq(actionRequests.id, requestId));
  if (!row) throw NOT_FOUND();
  const [{ def, type }, caseAccess, [decided]] = await Promise.all([
    loadActionType(db, row.actionKey),
    openCase(db, user, row.caseId).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === "NOT_FOUND") return null;
      throw error;
    }),
    db
      .select({ id: approvals.id })
      .from(approvals)
      .where(and(eq(approvals.requestId, row.id), eq(approvals.approverId, user.id))),
  ]);
  const eligible = eligibility(type, user, {
    requesterId: row.requesterId,
    caseGranteeIds: type.excludeCaseGrantees ? await liveGranteesOf(db, row.caseId, row.id) : [],
  });
  const isApprover = eligible.eligible || Boolean(decided);
  if (!caseAccess && !isApprover) throw NOT_FOUND();
  const access = caseAccess ?? (await reviewAccess(db, user, row.caseId));
  return { row, def, type, access, eligible, decided: Boolean(decided) };
}

/**
 * The approver's queue: pending requests they may decide, most urgent first (case
 * severity, then nearest expiry). Eligibility is the policy's own function, applied to
 * a lean list of every pending request; only the page shown is then loaded in full.
 */
export async function approverQueue(db: Tx, user: SessionUser, limit = 50) {
  const candidates = await db
    .select({
      id: actionRequests.id,
      requesterId: actionRequests.requesterId,
      policy: {
        riskTier: actionTypes.riskTier,
        approvalsRequired: actionTypes.approvalsRequired,
        approverRoles: actionTypes.approverRoles,
        minClearance: actionTypes.minClearance,
        maxDurationMinutes: actionTypes.maxDurationMinutes,
        maxUses: actionTypes.maxUses,
        businessHours: actionTypes.businessHours,
        breakGlassAllowed: actionTypes.breakGlassAllowed,
        excludeCaseGrantees: actionTypes.excludeCaseGrantees,
      },
      caseGrantees: sql<string[]>`case when ${actionTypes.excludeCaseGrantees} then array(
          select distinct g.grantee_id::text from ${grants} g
          where g.case_id = ${actionRequests.caseId} and g.revoked_at is null and g.expires_at > now() and g.uses < g.max_uses)
        else '{}'::text[] end`,
    })
    .from(actionRequests)
    .innerJoin(actionTypes, eq(actionTypes.key, actionRequests.actionKey))
    .innerJoin(cases, eq(cases.id, actionRequests.caseId))
    .where(
      and(
        eq(actionRequests.status, "pending"),
        gt(actionRequests.expiresAt, sql`now()`),
        ne(actionRequests.requesterId, user.id),
        notExists(
          db
            .select({ one: sql`1` })
            .from(approvals)
            .where(and(eq(approvals.requestId, actionRequests.id), eq(approvals.approverId, user.id))),
        ),
      ),
    )
    .orderBy(desc(cases.severity), asc(actionRequests.expiresAt), asc(actionRequests.createdAt));
  const mine = candidates.filter(
    (r) =>
      eligibility(r.policy, user, { requesterId: r.requesterId, caseGranteeIds: r.caseGrantees }).eligible,
  );
  const page = mine.slice(0, limit);
  if (page.length === 0) return { items: [], total: mine.length };
  const policyOf = new Map(page.map((r) => [r.id, r.policy]));
  const rows = await db
    .select({
      id: actionRequests.id,
      actionKey: actionRequests.actionKey,
      actionTitle: actionTypes.title,
      riskTier: actionTypes.riskTier,
      caseKey: cases.key,
      caseTitle: cases.title,
      severity: cases.severity,
      requesterName: users.name,
      breakGlass: actionRequests.breakGlass,
      createdAt: actionRequests.createdAt,
      expiresAt: actionRequests.expiresAt,
      requestedMinutes: actionRequests.requestedMinutes,
      given: sql<number>`(select count(*)::int from ${approvals} a where a.request_id = ${actionRequests.id} and a.decision = 'approve')`,
    })
    .from(actionRequests)
    .innerJoin(actionTypes, eq(actionTypes.key, actionRequests.actionKey))
    .innerJoin(cases, eq(cases.id, actionRequests.caseId))
    .innerJoin(users, eq(users.id, actionRequests.requesterId))
    .where(inArray(actionRequests.id, [...policyOf.keys()]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const outsideHours = !isBusinessHours(await dbNow(db), env().CASEFILE_TIMEZONE);
  const items = page.flatMap((c) => {
    const row = byId.get(c.id);
    return row ? [{ ...row, progress: progress(c.policy, row.given, outsideHours).explanation }] : [];
  });
  return { items, total: mine.length };
}

/**
 * Everything an approver needs to decide, assembled server-side. The parts depend only
 * on the request, so they are read concurrently: under load every sequential round trip
 * waits its turn again.
 */
export async function reviewContext(db: Tx, user: SessionUser, requestId: string) {
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
  db: Tx,
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

async function decisionsOf(db: Tx, requestIds: string[]) {
  if (!requestIds.length) return [];
  return db
    .select({
      requestId: approvals.requestId,
      approverName: users.name,
      decision: approvals.decision,
      comment: approvals.comment,
      narrowedParams: approvals.narrowedParams,
      narrowedMinutes: approvals.narrowedMinutes,
      narrowedUses: approvals.narrowedUses,
      stepUpMethod: approvals.stepUpMethod,
      approverRoles: approvals.approverRoles,
      approverClearance: approvals.approverClearance,
      policyVersion: approvals.policyVersion,
      createdAt: approvals.createdAt,
    })
    .from(approvals)
    .innerJoin(users, eq(users.id, approvals.approverId))
    .where(inArray(approvals.requestId, requestIds))
    .orderBy(asc(approvals.createdAt));
}

async function grantsOf(db: Tx, requestIds: string[]) {
  if (!requestIds.length) return [];
  return db
    .select({
      id: grants.id,
      requestId: grants.requestId,
      granteeId: grants.granteeId,
      scope: grants.scope,
      notBefore: grants.notBefore,
      expiresAt: grants.expiresAt,
      maxUses: grants.maxUses,
      uses: grants.uses,
      breakGlass: grants.breakGlass,
      revokedAt: grants.revokedAt,
      revokeReason: grants.revokeReason,
      live: sql<boolean>`${grants.revokedAt} is null and ${grants.notBefore} <= now() and ${grants.expiresAt} > now() and ${grants.uses} < ${grants.maxUses}`,
    })
    .from(grants)
    .where(inArray(grants.requestId, requestIds));
}

/** A case's requests, newest first, with decisions, grants and executions: the workspace's Actions tab. */
export async function requestsOfCase(db: Tx, access: CaseAccess) {
  const requester = aliasedTable(users, "requester");
  const rows = await db
    .select({
      id: actionRequests.id,
      actionKey: actionRequests.actionKey,
      actionTitle: actionTypes.title,
      riskTier: actionTypes.riskTier,
      params: actionRequests.params,
      paramsHash: actionRequests.paramsHash,
      justification: actionRequests.justification,
      status: actionRequests.status,
      breakGlass: actionRequests.breakGlass,
      requesterId: actionRequests.requesterId,
      requesterName: requester.name,
      requestedMinutes: actionRequests.requestedMinutes,
      requestedUses: actionRequests.requestedUses,
      createdAt: actionRequests.createdAt,
      expiresAt: actionRequests.expiresAt,
      decidedAt: actionRequests.decidedAt,
      outcomeNote: actionRequests.outcomeNote,
      triggerTitle: timelineEvents.title,
      reviewVerdict: breakGlassReviews.verdict,
    })
    .from(actionRequests)
    .innerJoin(actionTypes, eq(actionTypes.key, actionRequests.actionKey))
    .innerJoin(requester, eq(requester.id, actionRequests.requesterId))
    .leftJoin(timelineEvents, eq(timelineEvents.id, actionRequests.triggerEventId))
    .leftJoin(breakGlassReviews, eq(breakGlassReviews.requestId, actionRequests.id))
    .where(eq(actionRequests.caseId, access.caseId))
    .orderBy(desc(actionRequests.createdAt))
    .limit(200);
  const ids = rows.map((r) => r.id);
  const [decisions, grantRows, runs, now] = await Promise.all([
    decisionsOf(db, ids),
    grantsOf(db, ids),
    ids.length
      ? db
          .select({
            id: executions.id,
            grantId: executions.grantId,
            status: executions.status,
            summary: executions.summary,
            connectorName: executions.connectorName,
            startedAt: executions.startedAt,
            finishedAt: executions.finishedAt,
            evidenceId: sql<string | null>`(${executions.result}->>'evidenceId')`,
          })
          .from(executions)
          .where(eq(executions.caseId, access.caseId))
          .orderBy(desc(executions.startedAt))
      : Promise.resolve([]),
    dbNow(db),
  ]);
  return {
    now,
    requests: rows.map((r) => {
      const grant = grantRows.find((g) => g.requestId === r.id) ?? null;
      return {
        ...r,
        params: r.params as Params,
        decisions: decisions.filter((d) => d.requestId === r.id),
        grant: grant
          ? { ...grant, scope: grant.scope as Params, mine: grant.granteeId === access.user.id }
          : null,
        executions: grant ? runs.filter((x) => x.grantId === grant.id) : [],
      };
    }),
  };
}

/** Break-glass grants waiting for their post-hoc review, for approvers and compliance reviewers. */
export async function openBreakGlassReviews(db: Tx, user: SessionUser) {
  if (!user.roles.some((r) => r === "approver" || r === "compliance")) return [];
  return db
    .select({
      requestId: actionRequests.id,
      actionTitle: actionTypes.title,
      caseKey: cases.key,
      requesterName: users.name,
      reason: actionRequests.outcomeNote,
      openedAt: breakGlassReviews.openedAt,
      uses: grants.uses,
      maxUses: grants.maxUses,
    })
    .from(breakGlassReviews)
    .innerJoin(actionRequests, eq(actionRequests.id, breakGlassReviews.requestId))
    .innerJoin(actionTypes, eq(actionTypes.key, actionRequests.actionKey))
    .innerJoin(cases, eq(cases.id, actionRequests.caseId))
    .innerJoin(users, eq(users.id, actionRequests.requesterId))
    .leftJoin(grants, eq(grants.requestId, actionRequests.id))
    .where(and(sql`${breakGlassReviews.reviewedAt} is null`, ne(actionRequests.requesterId, user.id)))
    .orderBy(asc(breakGlassReviews.openedAt));
}
