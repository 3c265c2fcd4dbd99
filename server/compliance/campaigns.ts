/**
 * Review campaigns: a compliance reviewer opens a campaign for a period, attests every
 * approval decision made in it (appropriate / inappropriate with a note), and closes it.
 * Each state change writes its ledger entry in the same transaction.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import {
  actionRequests,
  approvals,
  attestations,
  type AttestationVerdict,
  cases,
  reviewCampaigns,
  users,
} from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { actorOf } from "../cases/access";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import { dbNow } from "../requests/params";

/** A year and a day: an annual review fits, with room for a leap day. */
export const MAX_PERIOD_DAYS = 366;
/** An "inappropriate" verdict, and closing an incomplete campaign, need a reason someone can act on. */
export const MIN_NOTE = 5;
const DAY_MS = 24 * 60 * 60 * 1000;

export function requireCompliance(user: SessionUser) {
  if (!user.roles.includes("compliance"))
    throw new DomainError("FORBIDDEN", "Review campaigns are for compliance reviewers");
}

const NOT_FOUND = () => new DomainError("NOT_FOUND", "No such review campaign");

/**
 * Attested / total for campaigns: the decisions made in the period, and the attestations among
 * them. Written out in SQL with the table named, because drizzle leaves column references
 * unqualified when a select has no join, and an unqualified `id` would bind inside the subquery.
 */
const inPeriod = sql.raw(
  "a.created_at >= review_campaigns.period_start and a.created_at < review_campaigns.period_end",
);
const progressColumns = {
  total: sql<number>`(select count(*)::int from ${approvals} a where ${inPeriod})`,
  attested: sql<number>`(select count(*)::int from ${attestations} t join ${approvals} a on a.id = t.approval_id
      where t.campaign_id = review_campaigns.id and ${inPeriod})`,
  inappropriate: sql<number>`(select count(*)::int from ${attestations} t join ${approvals} a on a.id = t.approval_id
      where t.campaign_id = review_campaigns.id and t.verdict = 'inappropriate' and ${inPeriod})`,
};

const campaignColumns = {
  id: reviewCampaigns.id,
  title: reviewCampaigns.title,
  periodStart: reviewCampaigns.periodStart,
  periodEnd: reviewCampaigns.periodEnd,
  createdAt: reviewCampaigns.createdAt,
  closedAt: reviewCampaigns.closedAt,
  createdByName: users.name,
  ...progressColumns,
};

export type CampaignSummary = Awaited<ReturnType<typeof listCampaigns>>[number];

/** Newest first; the 100 most recent are plenty for a console list. */
export async function listCampaigns(db: DbOrTx, user: SessionUser) {
  requireCompliance(user);
  return db
    .select(campaignColumns)
    .from(reviewCampaigns)
    .innerJoin(users, eq(users.id, reviewCampaigns.createdBy))
    .orderBy(desc(reviewCampaigns.createdAt))
    .limit(100);
}

export async function loadCampaign(db: DbOrTx, user: SessionUser, campaignId: string) {
  requireCompliance(user);
  const [row] = await db
    .select(campaignColumns)
    .from(reviewCampaigns)
    .innerJoin(users, eq(users.id, reviewCampaigns.createdBy))
    .where(eq(reviewCampaigns.id, campaignId));
  if (!row) throw NOT_FOUND();
  return row;
}

export async function openCampaign(
  db: Db,
  user: SessionUser,
  input: { title: string; periodStart: Date; periodEnd: Date },
  request: RequestMeta | null = null,
): Promise<{ id: string }> {
  requireCompliance(user);
  const title = input.title.trim();
  if (title.length < 3) throw new DomainError("BAD_REQUEST", "Give the campaign a title", { field: "title" });
  const { periodStart, periodEnd } = input;
  if (periodEnd <= periodStart)
    throw new DomainError("BAD_REQUEST", "The period must end after it starts", { field: "periodEnd" });
  if (periodEnd.getTime() - periodStart.getTime() > MAX_PERIOD_DAYS * DAY_MS)
    throw new DomainError("BAD_REQUEST", `A campaign covers at most ${MAX_PERIOD_DAYS} days`, {
      field: "periodEnd",
    });
  return db.transaction(async (tx) => {
    // The period may still be running (decisions join as they are made), but it must have begun.
    if (periodStart > (await dbNow(tx)))
      throw new DomainError("BAD_REQUEST", "The period cannot start in the future", {
        field: "periodStart",
      });
    const [row] = await tx
      .insert(reviewCampaigns)
      .values({ title, periodStart, periodEnd, createdBy: user.id })
      .returning({ id: reviewCampaigns.id });
    if (!row) throw new Error("the campaign was not stored");
    await appendLedger(tx, {
      type: "review_campaign.opened",
      actor: actorOf(user),
      subjects: [row.id],
      payload: { title, periodStart: periodStart.toISOString(), periodEnd: periodEnd.toISOString() },
      request,
    });
    return row;
  });
}

/** Locks the campaign row: attestations take it shared, closing takes it exclusively. */
async function lockCampaign(tx: Tx, campaignId: string, mode: "share" | "update") {
  const [row] = await tx
    .select({
      id: reviewCampaigns.id,
      periodStart: reviewCampaigns.periodStart,
      periodEnd: reviewCampaigns.periodEnd,
      closedAt: reviewCampaigns.closedAt,
    })
    .from(reviewCampaigns)
    .where(eq(reviewCampaigns.id, campaignId))
    .for(mode);
  if (!row) throw NOT_FOUND();
  return row;
}

export type AttestResult = { changed: boolean; previous: AttestationVerdict | null };

/**
 * Records a verdict on one decision of the campaign. Attesting again changes the verdict
 * (another reviewer may overrule a first look while the campaign is open); the change is
 * its own ledger entry naming the previous verdict, so nothing is lost.
 */
export async function attest(
  db: Db,
  user: SessionUser,
  input: { campaignId: string; approvalId: string; verdict: AttestationVerdict; note?: string },
  request: RequestMeta | null = null,
): Promise<AttestResult> {
  requireCompliance(user);
  const note = (input.note ?? "").trim();
  if (input.verdict === "inappropriate" && note.length < MIN_NOTE)
    throw new DomainError("BAD_REQUEST", `Say why it was inappropriate (at least ${MIN_NOTE} characters)`, {
      field: "note",
    });
  return db.transaction(async (tx) => {
    const campaign = await lockCampaign(tx, input.campaignId, "share");
    if (campaign.closedAt)
      throw new DomainError("PRECONDITION_FAILED", "This campaign is closed; it takes no more attestations");
    const [decision] = await tx
      .select({
        approverId: approvals.approverId,
        createdAt: approvals.createdAt,
        requestId: actionRequests.id,
        requesterId: actionRequests.requesterId,
        caseKey: cases.key,
      })
      .from(approvals)
      .innerJoin(actionRequests, eq(actionRequests.id, approvals.requestId))
      .innerJoin(cases, eq(cases.id, actionRequests.caseId))
      .where(eq(approvals.id, input.approvalId));
    if (!decision || decision.createdAt < campaign.periodStart || decision.createdAt >= campaign.periodEnd)
      throw new DomainError("NOT_FOUND", "No such decision in this campaign");
    // Separation of duties: nobody reviews a decision they made or a request they asked for.
    if (decision.approverId === user.id)
      throw new DomainError("FORBIDDEN", "You made this decision; someone else must attest it");
    if (decision.requesterId === user.id)
      throw new DomainError("FORBIDDEN", "You asked for this action; someone else must attest its approval");

    const [existing] = await tx
      .select({ id: attestations.id, verdict: attestations.verdict, note: attestations.note })
      .from(attestations)
      .where(and(eq(attestations.campaignId, campaign.id), eq(attestations.approvalId, input.approvalId)))
      .for("update");
    if (existing && existing.verdict === input.verdict && existing.note === note)
      return { changed: false, previous: existing.verdict };
    if (existing) {
      await tx
        .update(attestations)
        .set({ verdict: input.verdict, note, reviewerId: user.id, createdAt: sql`now()` })
        .where(eq(attestations.id, existing.id));
    } else {
      const inserted = await tx
        .insert(attestations)
        .values({
          campaignId: campaign.id,
          approvalId: input.approvalId,
          reviewerId: user.id,
          verdict: input.verdict,
          note,
        })
        .onConflictDoNothing()
        .returning({ id: attestations.id });
      if (!inserted.length)
        throw new DomainError("CONFLICT", "Someone attested this decision a moment ago; reload it");
    }
    await appendLedger(tx, {
      type: existing ? "review_campaign.attestation_changed" : "review_campaign.attested",
      actor: actorOf(user),
      caseKey: decision.caseKey,
      subjects: [campaign.id, input.approvalId, decision.requestId],
      payload: {
        verdict: input.verdict,
        note,
        ...(existing ? { previousVerdict: existing.verdict, previousNote: existing.note } : {}),
      },
      request,
    });
    return { changed: true, previous: existing?.verdict ?? null };
  });
}

/**
 * Closes a campaign. Complete (period over, every decision attested) closes as is; anything
 * less needs a reason, which the ledger entry keeps. A closed campaign takes no attestations.
 */
export async function closeCampaign(
  db: Db,
  user: SessionUser,
  input: { campaignId: string; reason?: string },
  request: RequestMeta | null = null,
): Promise<{ complete: boolean }> {
  requireCompliance(user);
  const reason = (input.reason ?? "").trim();
  return db.transaction(async (tx) => {
    const campaign = await lockCampaign(tx, input.campaignId, "update");
    if (campaign.closedAt) throw new DomainError("CONFLICT", "This campaign is already closed");
    const [counts] = await tx
      .select(progressColumns)
      .from(reviewCampaigns)
      .where(eq(reviewCampaigns.id, campaign.id));
    if (!counts) throw NOT_FOUND();
    const periodOver = campaign.periodEnd <= (await dbNow(tx));
    const complete = periodOver && counts.attested === counts.total;
    if (!complete && reason.length < MIN_NOTE) {
      const why = periodOver
        ? `${counts.attested} of ${counts.total} decisions are attested`
        : "The period has not ended yet";
      throw new DomainError("BAD_REQUEST", `${why}: give a reason to close it now`, { field: "reason" });
    }
    await tx
      .update(reviewCampaigns)
      .set({ closedAt: sql`now()` })
      .where(eq(reviewCampaigns.id, campaign.id));
    await appendLedger(tx, {
      type: "review_campaign.closed",
      actor: actorOf(user),
      subjects: [campaign.id],
      payload: { ...counts, complete, reason: reason || null },
      request,
    });
    return { complete };
  });
}
