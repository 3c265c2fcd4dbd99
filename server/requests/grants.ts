/**
 * Grants in use: the guarded execution path, revocation and break-glass.
 * Enforcement is one conditional UPDATE that consumes a use only while the grant
 * is live, so concurrent runs of a single-use grant yield exactly one execution.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import {
  actionRequests,
  approvals,
  breakGlassReviews,
  executions,
  grants,
  timelineEvents,
  type Grant,
} from "@/db/schema";
import { definitionOf } from "../actions/catalogue";
import { runBuiltIn } from "../actions/executor";
import type { SessionUser } from "../auth/sessions";
import { actorOf, type CaseAccess, requireWrite } from "../cases/access";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import { announce } from "../realtime/announce";
import { publish } from "../realtime/live";
import type { RequestMeta } from "../request-meta";
import { freshSecondFactor } from "../auth/second-factor";
import { asJson, dbNow, type Params, paramsHash, parseParams } from "./params";
import {
  caseKeyOf,
  checkAsk,
  createGrant,
  MIN_JUSTIFICATION,
  type NewRequest,
  requireAsker,
  requireJustification,
} from "./requests";

/** Why a grant cannot be used now, in the words the investigator sees. */
function whyNotLive(grant: Grant, userId: string, now: Date): string {
  if (grant.granteeId !== userId) return "This grant was issued to someone else";
  if (grant.revokedAt) return "This grant was revoked";
  if (grant.uses >= grant.maxUses)
    return grant.maxUses === 1
      ? "This single-use grant has already been used"
      : `All ${grant.maxUses} uses of this grant are spent`;
  if (now >= grant.expiresAt) return "This grant has expired";
  if (now < grant.notBefore) return "This grant is not valid yet";
  return "This grant is not live";
}

export type ExecutionResult = { executionId: string; status: "succeeded" | "failed"; summary: string };

/** A refusal found inside the consuming transaction: throwing it rolls the use back; then it is recorded. */
class Refusal extends Error {
  constructor(
    readonly reason: string,
    readonly grant: Pick<Grant, "id" | "requestId" | "actionKey">,
    readonly params: unknown,
  ) {
    super(reason);
  }
}

export async function executeGrant(
  db: Tx,
  access: CaseAccess,
  input: { grantId: string; params: unknown },
  request: RequestMeta | null = null,
): Promise<ExecutionResult> {
  requireWrite(access);
  const user = access.user;
  try {
    return await db.transaction(async (tx) => {
      // The grant check and the use are one statement: live, the caller's, a use left — or no row.
      const [grant] = await tx
        .update(grants)
        .set({ uses: sql`${grants.uses} + 1` })
        .where(
          and(
            eq(grants.id, input.grantId),
            eq(grants.caseId, access.caseId),
            eq(grants.granteeId, user.id),
            sql`${grants.revokedAt} is null`,
            sql`${grants.notBefore} <= now()`,
            sql`${grants.expiresAt} > now()`,
            sql`${grants.uses} < ${grants.maxUses}`,
          ),
        )
        .returning();
      if (!grant) {
        const [row] = await tx
          .select()
          .from(grants)
          .where(and(eq(grants.id, input.grantId), eq(grants.caseId, access.caseId)));
        if (!row) throw new DomainError("NOT_FOUND", "No such grant on this case");
        throw new Refusal(whyNotLive(row, user.id, await dbNow(tx)), row, input.params);
      }
      const def = definitionOf(grant.actionKey);
      if (!def) throw new Refusal(`no executor for ${grant.actionKey}`, grant, input.params);
      let params: Params;
      try {
        params = parseParams(def, input.params);
      } catch (error) {
        if (error instanceof DomainError) throw new Refusal(error.message, grant, input.params);
        throw error;
      }
      const outside = def.outside(params, grant.scope as Params);
      if (outside) throw new Refusal(`outside the granted scope: ${outside}`, grant, params);
      const outcome = runBuiltIn(grant.actionKey, params);
      const [execution] = await tx
        .insert(executions)
        .values({
          grantId: grant.id,
          caseId: access.caseId,
          actionKey: grant.actionKey,
          params,
          executorId: user.id,
          status: outcome.status,
          summary: outcome.summary,
          result: outcome.result,
          finishedAt: sql`now()`,
        })
        .returning({ id: executions.id });
      if (!execution) throw new Error("execution not recorded");
      // The run is also a timeline event of the case (source "action"); the execution's ledger entry names it.
      const [event] = await tx
        .insert(timelineEvents)
        .values({
          caseId: access.caseId,
          occurredAt: sql`now()`,
          source: "action",
          title: `${outcome.status === "succeeded" ? "Ran" : "Failed to run"} ${grant.actionKey}`,
          description: `${def.describe(params)}\n\n${outcome.summary}`,
          category: "response",
          authorId: user.id,
        })
        .returning({ id: timelineEvents.id });
      if (!event) throw new Error("timeline event not recorded");
      await appendLedger(tx, {
        type: "action.executed",
        actor: actorOf(user),
        caseId: access.key,
        subjects: [execution.id, grant.id, grant.requestId, event.id],
        payload: {
          actionKey: grant.actionKey,
          params: asJson(params),
          status: outcome.status,
          summary: outcome.summary,
          use: `${grant.uses} of ${grant.maxUses}`,
          timelineEventId: event.id,
        },
        request,
      });
      await publish(tx, {
        kind: "grant.used",
        requestId: grant.requestId,
        caseId: access.caseId,
        userIds: [user.id],
        roles: [],
      });
      return { executionId: execution.id, status: outcome.status, summary: outcome.summary };
    });
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    await db.transaction(async (tx) => {
      await appendLedger(tx, {
        type: "action.denied_attempt",
        actor: actorOf(user),
        caseId: access.key,
        subjects: [error.grant.id, error.grant.requestId],
        payload: {
          actionKey: error.grant.actionKey,
          reason: error.reason,
          params: (error.params ?? null) as never,
        },
        request,
      });
    });
    throw new DomainError("FORBIDDEN", `Refused: ${error.reason}`);
  }
}

/** The grantee ("I'm done"), an approver of the request, or an admin ends a grant early. */
export async function revokeGrant(
  db: Tx,
  user: SessionUser,
  input: { grantId: string; reason?: string },
  request: RequestMeta | null = null,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [grant] = await tx.select().from(grants).where(eq(grants.id, input.grantId)).for("update");
    if (!grant) throw new DomainError("NOT_FOUND", "No such grant");
    const [approved] = await tx
      .select({ id: approvals.id })
      .from(approvals)
      .where(
        and(
          eq(approvals.requestId, grant.requestId),
          eq(approvals.approverId, user.id),
          eq(approvals.decision, "approve"),
        ),
      );
    const allowed = grant.granteeId === user.id || Boolean(approved) || user.roles.includes("admin");
    if (!allowed) throw new DomainError("NOT_FOUND", "No such grant");
    if (grant.revokedAt) throw new DomainError("CONFLICT", "This grant is already revoked");
    const [ended] = await tx
      .update(grants)
      .set({ revokedAt: sql`now()`, revokedBy: user.id, revokeReason: input.reason?.trim() || null })
      .where(and(eq(grants.id, grant.id), sql`${grants.revokedAt} is null`))
      .returning({ id: grants.id });
    if (!ended) throw new DomainError("CONFLICT", "This grant is already revoked");
    await appendLedger(tx, {
      type: "grant.revoked",
      actor: actorOf(user),
      caseId: await caseKeyOf(tx, grant.caseId),
      subjects: [grant.id, grant.requestId],
      payload: {
        actionKey: grant.actionKey,
        by: grant.granteeId === user.id ? "grantee" : approved ? "approver" : "admin",
        reason: input.reason?.trim() ?? "",
        usesSpent: grant.uses,
      },
      request,
    });
    await publish(tx, {
      kind: "grant.revoked",
      requestId: grant.requestId,
      caseId: grant.caseId,
      userIds: [grant.granteeId],
      roles: [],
    });
  });
}

/**
 * Break-glass: where policy allows, an investigator grants themself a short window
 * with a mandatory reason. Loudly flagged, told to approvers and compliance, and a
 * post-hoc review is opened that someone else must close.
 */
export async function breakGlass(
  db: Tx,
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
  const proof = await freshSecondFactor(
    db,
    access.user,
    input.secondFactorCode,
    "Break-glass grants",
    request,
  );
  const result = await db.transaction(async (tx) => {
    const { def, type, params, triggerEventId } = await checkAsk(
      tx,
      access,
      { ...input, justification: reason },
      true,
    );
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
      caseId: access.key,
      subjects: [row.id],
      payload: {
        actionKey: type.key,
        riskTier: type.riskTier,
        params: asJson(params),
        reason,
        minutes: input.minutes,
        description: def.describe(params),
        secondFactor: { at: proof.at.toISOString(), method: proof.method },
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
}

/** Closes a break-glass post-hoc review: someone other than the person who broke the glass. */
export async function reviewBreakGlass(
  db: Tx,
  user: SessionUser,
  input: { requestId: string; verdict: "justified" | "unjustified"; note: string },
  request: RequestMeta | null = null,
): Promise<void> {
  if (!user.roles.some((r) => r === "approver" || r === "compliance"))
    throw new DomainError("FORBIDDEN", "Approvers and compliance reviewers close break-glass reviews");
  const note = input.note.trim();
  if (note.length < 5) throw new DomainError("BAD_REQUEST", "Add a note to the review", { field: "note" });
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        requesterId: actionRequests.requesterId,
        caseId: actionRequests.caseId,
        reviewedAt: breakGlassReviews.reviewedAt,
      })
      .from(breakGlassReviews)
      .innerJoin(actionRequests, eq(actionRequests.id, breakGlassReviews.requestId))
      .where(eq(breakGlassReviews.requestId, input.requestId))
      .for("update");
    if (!row) throw new DomainError("NOT_FOUND", "No such break-glass review");
    if (row.requesterId === user.id)
      throw new DomainError("FORBIDDEN", "Nobody reviews their own break-glass");
    if (row.reviewedAt) throw new DomainError("CONFLICT", "This break-glass has already been reviewed");
    await tx
      .update(breakGlassReviews)
      .set({ reviewerId: user.id, verdict: input.verdict, note, reviewedAt: sql`now()` })
      .where(eq(breakGlassReviews.requestId, input.requestId));
    await appendLedger(tx, {
      type: "break_glass.reviewed",
      actor: actorOf(user),
      caseId: await caseKeyOf(tx, row.caseId),
      subjects: [input.requestId],
      payload: { verdict: input.verdict, note },
      request,
    });
  });
}
