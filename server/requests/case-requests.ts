/** A case's requests, the read model behind the workspace's Actions tab. */
import { aliasedTable, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import {
  actionRequests,
  actionTypes,
  breakGlassReviews,
  executions,
  timelineEvents,
  users,
} from "@/db/schema";
import type { CaseAccess } from "../cases/access";
import { decisionsOf, grantsOf } from "./decisions-and-grants";
import { dbNow, type Params } from "./params";

/** A case's requests, newest first, with decisions, grants and executions: the workspace's Actions tab. */
export async function requestsOfCase(db: DbOrTx, access: CaseAccess) {
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
