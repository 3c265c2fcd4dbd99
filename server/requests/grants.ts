/**
 * Grants in use: the guarded execution path, revocation and break-glass.
 * Enforcement is one conditional UPDATE that consumes a use only while the grant
 * is live, so concurrent runs of a single-use grant yield exactly one execution.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { actionRequests, approvals, breakGlassReviews, grants, type Grant } from "@/db/schema";
import { definitionOf } from "../actions/catalogue";
import { type Outcome, preflight, runBuiltIn, runOnPostgres } from "../actions/executor";
import { connectorFor, type LoadedConnector } from "../connectors/connectors";
import { deliverDue, enqueueWebhook } from "../connectors/outbox";
import type { SessionUser } from "../auth/sessions";
import { actorOf, type CaseAccess, requireWrite } from "../cases/access";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import { announce } from "../realtime/announce";
import { publish } from "../realtime/live";
import type { RequestMeta } from "../request-meta";
import { freshSecondFactor } from "../auth/second-factor";
import { finishExecution, loginBeforeDisable, startExecution } from "./executions";
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

export type ExecutionResult = {
  executionId: string;
  status: "pending" | "succeeded" | "failed";
  summary: string;
  evidenceId: string | null;
};

/** A refusal found inside the consuming transaction: throwing it rolls the use back; then it is recorded. */
class Refusal extends Error {
  constructor(
    readonly reason: string,
    readonly grant: Pick<Grant, "id" | "requestId" | "actionKey">,
    readonly params: unknown,
    /** The grant was fine, but the connector cannot carry this out: nothing ran, the use is kept. */
    readonly unrunnable = false,
  ) {
    super(reason);
  }
}

type Started =
  | { mode: "built-in"; executionId: string; outcome: Outcome }
  | {
      mode: "postgres";
      executionId: string;
      connector: LoadedConnector;
      actionKey: string;
      params: Params;
      restore: boolean | null;
    }
  | { mode: "webhook"; executionId: string; summary: string };

/**
 * Runs a granted action. The grant check and the use are one statement inside the
 * transaction that also records the execution as started, so a use never exists
 * without its execution. The connector's work happens after that commits, and its
 * outcome is recorded by `finishExecution` (or by the sweep, if the process dies).
 */
export async function executeGrant(
  db: Tx,
  access: CaseAccess,
  input: { grantId: string; params: unknown },
  request: RequestMeta | null = null,
): Promise<ExecutionResult> {
  requireWrite(access);
  const user = access.user;
  let started: Started;
  try {
    started = await db.transaction(async (tx): Promise<Started> => {
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
      let connector: LoadedConnector | null;
      try {
        connector = await connectorFor(tx, grant.actionKey, params);
      } catch (error) {
        if (error instanceof DomainError) throw new Refusal(error.message, grant, params, true);
        throw error;
      }
      const unrunnable = connector ? await preflight(connector, grant.actionKey, params) : null;
      if (unrunnable) throw new Refusal(unrunnable, grant, params, true);

      const subject = {
        caseId: access.caseId,
        caseKey: access.key,
        grantId: grant.id,
        requestId: grant.requestId,
        actionKey: grant.actionKey,
        params,
        executorId: user.id,
        connectorName: connector?.name ?? null,
      };
      const use = `${grant.uses} of ${grant.maxUses}`;
      const actor = actorOf(user);
      if (connector?.kind === "webhook") {
        const summary = `Queued for ${connector.name}`;
        const executionId = await startExecution(tx, subject, "pending", { summary, actor, use, request });
        await enqueueWebhook(tx, connector, {
          executionId,
          caseKey: access.key,
          actionKey: grant.actionKey,
          params,
          grant,
          executor: { id: user.id, name: user.name, email: user.email },
        });
        return { mode: "webhook", executionId, summary };
      }
      const summary = connector ? `Running on ${connector.name}` : "Recording the use (no connector)";
      const executionId = await startExecution(tx, subject, "running", { summary, actor, use, request });
      if (!connector) return { mode: "built-in", executionId, outcome: runBuiltIn(grant.actionKey, params) };
      const restore =
        grant.actionKey === "db.role.enable"
          ? await loginBeforeDisable(tx, connector.name, String(params.role))
          : null;
      return { mode: "postgres", executionId, connector, actionKey: grant.actionKey, params, restore };
    });
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    await db.transaction(async (tx) => {
      await appendLedger(tx, {
        type: error.unrunnable ? "action.not_runnable" : "action.denied_attempt",
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
    if (error.unrunnable)
      throw new DomainError(
        "PRECONDITION_FAILED",
        `Not run: ${error.reason}. The grant's use was not spent.`,
      );
    throw new DomainError("FORBIDDEN", `Refused: ${error.reason}`);
  }
  if (started.mode === "webhook") {
    void deliverDue(db).catch((error: unknown) => console.error(`webhook outbox: ${String(error)}`));
    return {
      executionId: started.executionId,
      status: "pending",
      summary: started.summary,
      evidenceId: null,
    };
  }
  const outcome =
    started.mode === "built-in"
      ? started.outcome
      : await runOnPostgres(started.connector, started.actionKey, started.params, started.restore);
  const { evidenceId } = await finishExecution(db, started.executionId, outcome, actorOf(user), request);
  return { executionId: started.executionId, status: outcome.status, summary: outcome.summary, evidenceId };
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
