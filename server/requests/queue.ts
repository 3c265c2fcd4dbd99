/** The approver's queue: the read model behind the approvals page. */
import { and, asc, desc, eq, gt, inArray, ne, notExists, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { actionRequests, actionTypes, approvals, cases, grants, users } from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { env } from "../env";
import { dbNow } from "./params";
import { liveGrant } from "./live-grant";
import { eligibility, isBusinessHours, progress } from "./policy";

/**
 * The approver's queue: pending requests they may decide, most urgent first (case
 * severity, then nearest expiry). Eligibility is the policy's own function, applied to
 * a lean list of every pending request; only the page shown is then loaded in full.
 */
export async function approverQueue(db: DbOrTx, user: SessionUser, limit = 50) {
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
          select distinct ${grants.granteeId}::text from ${grants}
          where ${grants.caseId} = ${actionRequests.caseId} and ${liveGrant()})
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
