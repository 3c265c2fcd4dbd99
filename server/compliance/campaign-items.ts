/**
 * The items of a review campaign: every approval decision (approve and deny) made in its
 * period, each with the context a reviewer needs to judge it — one query, so a page and a
 * year-long export cost the same round trips. (The approver's `reviewContext` assembles far
 * more per request — suspects, timeline window, history — which a campaign of hundreds of
 * decisions cannot afford; the case workspace is one click away for that.)
 */
import { aliasedTable, and, asc, eq, gte, isNull, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import {
  actionRequests,
  actionTypes,
  approvals,
  attestations,
  cases,
  type ExecutionStatus,
  grants,
  users,
} from "@/db/schema";
import { definitionOf } from "../actions/catalogue";
import type { SessionUser } from "../auth/sessions";
import type { Params } from "../requests/params";
import { loadCampaign } from "./campaigns";

export type ItemFilter = "all" | "unattested";
export const PAGE_SIZE = 50;

type RawExecution = {
  id: string;
  status: ExecutionStatus;
  startedAt: string;
  finishedAt: string | null;
  summary: string | null;
};

const approver = aliasedTable(users, "approver");
const requester = aliasedTable(users, "requester");

async function queryItems(
  db: DbOrTx,
  campaign: { id: string; periodStart: Date; periodEnd: Date },
  page: { filter: ItemFilter; limit?: number; offset?: number },
) {
  const query = db
    .select({
      approvalId: approvals.id,
      decidedAt: approvals.createdAt,
      decision: approvals.decision,
      comment: approvals.comment,
      narrowedParams: approvals.narrowedParams,
      narrowedMinutes: approvals.narrowedMinutes,
      narrowedUses: approvals.narrowedUses,
      stepUpAt: approvals.stepUpAt,
      stepUpMethod: approvals.stepUpMethod,
      approverId: approvals.approverId,
      approverName: approver.name,
      requestId: actionRequests.id,
      actionKey: actionRequests.actionKey,
      actionTitle: actionTypes.title,
      riskTier: actionTypes.riskTier,
      params: actionRequests.params,
      justification: actionRequests.justification,
      requestedMinutes: actionRequests.requestedMinutes,
      requestedUses: actionRequests.requestedUses,
      requestStatus: actionRequests.status,
      breakGlass: actionRequests.breakGlass,
      requestedAt: actionRequests.createdAt,
      requesterId: actionRequests.requesterId,
      requesterName: requester.name,
      caseKey: cases.key,
      caseTitle: cases.title,
      caseSeverity: cases.severity,
      secondsToDecision: sql<number>`extract(epoch from ${approvals.createdAt} - ${actionRequests.createdAt})::float8`,
      grantId: grants.id,
      grantScope: grants.scope,
      grantUses: grants.uses,
      grantMaxUses: grants.maxUses,
      grantExpiresAt: grants.expiresAt,
      grantRevokedAt: grants.revokedAt,
      executions: sql<RawExecution[]>`coalesce((
          select json_agg(json_build_object('id', e.id, 'status', e.status, 'startedAt', e.started_at,
                   'finishedAt', e.finished_at, 'summary', e.summary) order by e.started_at)
          from executions e where e.grant_id = ${grants.id}), '[]'::json)`,
      verdict: attestations.verdict,
      note: attestations.note,
      attestedAt: attestations.createdAt,
      // A subquery, not a ninth join: drizzle's result typing gives up past eight joins.
      reviewerName: sql<
        string | null
      >`(select u.name from ${users} u where u.id = ${attestations.reviewerId})`,
    })
    .from(approvals)
    .innerJoin(actionRequests, eq(actionRequests.id, approvals.requestId))
    .innerJoin(actionTypes, eq(actionTypes.key, actionRequests.actionKey))
    .innerJoin(cases, eq(cases.id, actionRequests.caseId))
    .innerJoin(approver, eq(approver.id, approvals.approverId))
    .innerJoin(requester, eq(requester.id, actionRequests.requesterId))
    .leftJoin(grants, eq(grants.requestId, actionRequests.id))
    .leftJoin(
      attestations,
      and(eq(attestations.campaignId, campaign.id), eq(attestations.approvalId, approvals.id)),
    )
    .where(
      and(
        gte(approvals.createdAt, campaign.periodStart),
        lt(approvals.createdAt, campaign.periodEnd),
        page.filter === "unattested" ? isNull(attestations.id) : undefined,
      ),
    )
    .orderBy(asc(approvals.createdAt), asc(approvals.id));
  const rows = await query;
  return rows.map((r) => {
    const params = r.params as Params;
    const scope = (r.grantScope as Params | null) ?? null;
    const def = definitionOf(r.actionKey);
    return {
      ...r,
      params,
      narrowedParams: (r.narrowedParams as Params | null) ?? null,
      description: def ? def.describe(scope ?? params) : null,
      grant:
        r.grantId && scope && r.grantUses !== null && r.grantMaxUses !== null
          ? {
              id: r.grantId,
              scope,
              uses: r.grantUses,
              maxUses: r.grantMaxUses,
              expiresAt: r.grantExpiresAt,
              revokedAt: r.grantRevokedAt,
            }
          : null,
      executions: r.executions.map((e) => ({
        ...e,
        startedAt: new Date(e.startedAt),
        finishedAt: e.finishedAt ? new Date(e.finishedAt) : null,
      })),
      attestation:
        r.verdict && r.attestedAt
          ? { verdict: r.verdict, note: r.note ?? "", at: r.attestedAt, reviewerName: r.reviewerName }
          : null,
    };
  });
}

export type CampaignItem = Awaited<ReturnType<typeof queryItems>>[number];

/** One page of the campaign's decisions, oldest first, with whether this reviewer may attest each. */
export async function campaignDetail(
  db: DbOrTx,
  user: SessionUser,
  input: { campaignId: string; filter: ItemFilter; offset: number; limit?: number },
) {
  const campaign = await loadCampaign(db, user, input.campaignId);
  const limit = input.limit ?? PAGE_SIZE;
  const items = await queryItems(db, campaign, {
    filter: input.filter,
    limit: limit + 1,
    offset: input.offset,
  });
  return {
    campaign,
    items: items.slice(0, limit).map((item) => ({
      ...item,
      // Separation of duties, shown before the reviewer tries (the service refuses regardless).
      mine:
        item.approverId === user.id
          ? ("decided" as const)
          : item.requesterId === user.id
            ? ("requested" as const)
            : null,
    })),
    offset: input.offset,
    limit,
    hasMore: items.length > limit,
  };
}

/** Every item with its verdict: the campaign's results, for the JSON and CSV exports. */
export async function campaignResults(db: DbOrTx, user: SessionUser, campaignId: string) {
  const campaign = await loadCampaign(db, user, campaignId);
  return { campaign, items: await queryItems(db, campaign, { filter: "all" }) };
}
