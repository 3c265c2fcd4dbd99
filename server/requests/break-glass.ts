/**
 * Break-glass: where policy allows, an investigator grants themself a short window
 * with a mandatory reason and a second factor proved for this very break-glass.
 * Per person it is limited (count and minutes over the last 24 hours, and how many
 * may await their post-hoc review at once), loudly flagged, told live to approvers
 * and compliance, and opens a review that someone else must close (break-glass-review.ts).
 */
import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { actionRequests, breakGlassReviews, type ActionType } from "@/db/schema";
import { requireFreshSecondFactor, stepUp } from "../auth/second-factor";
import { actorOf, type CaseAccess } from "../cases/access";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import { recordEvent } from "../ledger/record-event";
import { announce } from "../realtime/announce";
import { publish } from "../realtime/live";
import type { RequestMeta } from "../request-meta";
import { asJson, paramsHash } from "./params";
import {
  checkAsk,
  MIN_JUSTIFICATION,
  type NewRequest,
  requireAsker,
  requireJustification,
} from "./ask-checks";
import { createGrant } from "./grants";

type Limits = Pick<
  ActionType,
  "title" | "breakGlassPerDay" | "breakGlassMinutesPerDay" | "breakGlassMaxUnreviewed"
>;

/**
 * Why this person may not break glass again now, or null. Runs under a per-person
 * advisory lock, so parallel attempts are counted one after another.
 */
async function limitProblem(tx: Tx, userId: string, type: Limits, minutes: number) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('break-glass'), hashtext(${userId}))`);
  const [row] = await tx.execute<{ count: number; minutes: number; unreviewed: number }>(
    sql`select
          (select count(*)::int from action_requests r
            where r.requester_id = ${userId} and r.break_glass and r.created_at > now() - interval '24 hours') as count,
          (select coalesce(sum(r.requested_minutes), 0)::int from action_requests r
            where r.requester_id = ${userId} and r.break_glass and r.created_at > now() - interval '24 hours') as minutes,
          (select count(*)::int from break_glass_reviews b join action_requests r on r.id = b.request_id
            where r.requester_id = ${userId} and b.reviewed_at is null) as unreviewed`,
  );
  const used = row ?? { count: 0, minutes: 0, unreviewed: 0 };
  if (used.unreviewed >= type.breakGlassMaxUnreviewed)
    return {
      field: "actionKey",
      reason: `You have ${used.unreviewed} break-glass grant(s) awaiting review (at most ${type.breakGlassMaxUnreviewed}); ask for an approval instead`,
    };
  if (used.count >= type.breakGlassPerDay)
    return {
      field: "actionKey",
      reason: `You have broken the glass ${used.count} time(s) in the last 24 hours (at most ${type.breakGlassPerDay} for ${type.title}); ask for an approval instead`,
    };
  if (used.minutes + minutes > type.breakGlassMinutesPerDay)
    return {
      field: "minutes",
      reason: `Break-glass minutes in the last 24 hours would reach ${used.minutes + minutes} (at most ${type.breakGlassMinutesPerDay} for ${type.title})`,
    };
  return null;
}

export async function breakGlass(
  db: Db,
  access: CaseAccess,
  input: Omit<NewRequest, "justification"> & { reason: string; secondFactorCode?: string },
  request: RequestMeta | null = null,
): Promise<{ requestId: string; grantId: string }> {
  requireAsker(access);
  const reason = requireJustification(
    input.reason,
    "reason",
    `Break-glass needs a reason of at least ${MIN_JUSTIFICATION.words} words (${MIN_JUSTIFICATION.chars} characters)`,
  );
  // A second factor for this break-glass itself: an earlier step-up of the session does not count.
  const code = input.secondFactorCode?.trim();
  if (!code) {
    await requireFreshSecondFactor(db, access.user, "Break-glass grants");
    throw new DomainError(
      "PRECONDITION_FAILED",
      "Every break-glass needs a code from your authenticator, given with it",
      { field: "secondFactorCode" },
    );
  }
  await stepUp(db, access.user, code, request);
  const refused = { reason: "", actionKey: input.actionKey };
  try {
    const result = await db.transaction(async (tx) => {
      const { def, type, params, triggerEventId } = await checkAsk(
        tx,
        access,
        { ...input, justification: reason },
        true,
      );
      const limit = await limitProblem(tx, access.user.id, type, input.minutes);
      if (limit) {
        refused.reason = limit.reason;
        throw new DomainError("TOO_MANY_REQUESTS", limit.reason, { field: limit.field });
      }
      const proof = await requireFreshSecondFactor(tx, access.user, "Break-glass grants");
      const [row] = await tx
        .insert(actionRequests)
        .values({
          caseId: access.caseId,
          actionKey: type.key,
          params,
          paramsHash: paramsHash(params),
          justification: reason,
          triggerEventId,
          requestedMinutes: input.minutes,
          requestedUses: 1,
          requesterId: access.user.id,
          status: "approved",
          breakGlass: true,
          expiresAt: sql`now()`,
          decidedAt: sql`now()`,
          outcomeNote: reason,
        })
        .returning();
      if (!row) throw new Error("break-glass request not created");
      await appendLedger(tx, {
        type: "request.break_glass",
        actor: actorOf(access.user),
        caseKey: access.key,
        subjects: [row.id],
        payload: {
          actionKey: type.key,
          riskTier: type.riskTier,
          params: asJson(params),
          reason,
          minutes: input.minutes,
          description: def.describe(params),
          secondFactor: { at: proof.at.toISOString(), method: proof.method },
          policyVersion: type.version,
        },
        request,
      });
      const grantId = await createGrant(tx, {
        row,
        caseKey: access.key,
        scope: params,
        minutes: input.minutes,
        uses: 1,
        breakGlass: true,
        actor: actorOf(access.user),
        request,
        policyVersion: type.version,
      });
      await tx.insert(breakGlassReviews).values({ requestId: row.id });
      await publish(tx, {
        kind: "break_glass",
        requestId: row.id,
        caseId: access.caseId,
        userIds: [access.user.id],
        roles: ["approver", "compliance"],
      });
      return { requestId: row.id, grantId, title: type.title };
    });
    announce(
      `BREAK-GLASS on ${access.key}: ${access.user.name} self-granted "${result.title}" — post-hoc review required (request ${result.requestId})`,
    );
    return { requestId: result.requestId, grantId: result.grantId };
  } finally {
    if (refused.reason) await recordRefusal(db, access, refused, request);
  }
}

/** A break-glass refused by its limits leaves its trace, though nothing else changed. */
async function recordRefusal(
  db: Db,
  access: CaseAccess,
  refused: { reason: string; actionKey: string },
  request: RequestMeta | null,
) {
  await recordEvent(db, {
    type: "request.break_glass_refused",
    actor: actorOf(access.user),
    caseKey: access.key,
    subjects: [access.user.id],
    payload: { actionKey: refused.actionKey, reason: refused.reason },
    request,
  });
}
