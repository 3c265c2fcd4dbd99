/**
 * The life of a request: asked for, then cancelled, expired, denied or approved
 * (possibly narrowed) until the policy's threshold creates its grant. Every step
 * writes its ledger entry and its live event in the step's own transaction.
 */
import { and, eq, isNull, lte, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import {
  actionRequests,
  actionTypes,
  approvals,
  grants,
  timelineEvents,
  type ActionRequest,
} from "@/db/schema";
import { definitionOf } from "../actions/catalogue";
import { loadActionType } from "../actions/types";
import { freshSecondFactor, requireFreshSecondFactor, stepUp } from "../auth/second-factor";
import type { SessionUser } from "../auth/sessions";
import { actorOf, type CaseAccess, requireWrite } from "../cases/access";
import { env } from "../env";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import { announce } from "../realtime/announce";
import { publish } from "../realtime/live";
import type { RequestMeta } from "../request-meta";
import { requireCaseObjects } from "./case-objects";
import { asJson, dbNow, type Params, paramsHash, parseParams } from "./params";
import { onBehalfOf } from "./delegation";
import { durationProblem, eligibility, isBusinessHours, progress, usesProblem } from "./policy";

export type NewRequest = {
  actionKey: string;
  params: unknown;
  justification: string;
  triggerEventId?: string | null;
  minutes: number;
  uses?: number;
  /** For actions whose policy asks the executor for a second factor: a code to step up with now. */
  secondFactorCode?: string;
};

/** A justification says what and why: a few words at least, not "pls" or "needed". */
export const MIN_JUSTIFICATION = { chars: 20, words: 4 } as const;

/** A justification (or break-glass reason) of a few words at least, trimmed; else BAD_REQUEST on `field`. */
export function requireJustification(
  text: string,
  field: string,
  message = `Say what you need and why, in at least ${MIN_JUSTIFICATION.words} words (${MIN_JUSTIFICATION.chars} characters)`,
): string {
  const trimmed = text.trim();
  if (trimmed.length < MIN_JUSTIFICATION.chars || trimmed.split(/\s+/).length < MIN_JUSTIFICATION.words) {
    throw new DomainError("BAD_REQUEST", message, { field });
  }
  return trimmed;
}

/** Who may ask for an action on a case: an investigator with write access to it. */
export function requireAsker(access: CaseAccess): void {
  requireWrite(access);
  if (!access.user.roles.includes("investigator"))
    throw new DomainError("FORBIDDEN", "Only investigators request actions");
}

export async function requireTrigger(tx: Tx, access: CaseAccess, eventId: string | null | undefined) {
  if (!eventId) return null;
  const [row] = await tx
    .select({ id: timelineEvents.id })
    .from(timelineEvents)
    .where(and(eq(timelineEvents.id, eventId), eq(timelineEvents.caseId, access.caseId)));
  if (!row) {
    throw new DomainError("BAD_REQUEST", "Choose an event of this case's timeline", {
      field: "triggerEventId",
    });
  }
  return row.id;
}

/** Validates everything a request (or break-glass) asks for, against the catalogue and policy. */
export async function checkAsk(tx: Tx, access: CaseAccess, input: NewRequest, breakGlass: boolean) {
  requireAsker(access);
  const { def, type } = await loadActionType(tx, input.actionKey);
  if (breakGlass && (!type.enabled || !type.breakGlassAllowed)) {
    throw new DomainError(
      "FORBIDDEN",
      `Break-glass is not allowed for ${type.title}; request an approval instead`,
    );
  }
  if (!type.enabled)
    throw new DomainError("BAD_REQUEST", `${type.title} is disabled`, { field: "actionKey" });
  const params = parseParams(def, input.params);
  const uses = input.uses ?? 1;
  const duration = durationProblem(type, input.minutes, breakGlass);
  if (duration) throw new DomainError("BAD_REQUEST", duration, { field: "minutes" });
  const usesIssue = usesProblem(type, uses);
  if (usesIssue) throw new DomainError("BAD_REQUEST", usesIssue, { field: "uses" });
  const triggerEventId = await requireTrigger(tx, access, input.triggerEventId);
  await requireCaseObjects(tx, access.caseId, def, params);
  return { def, type, params, uses, triggerEventId };
}

export async function createRequest(
  db: Tx,
  access: CaseAccess,
  input: NewRequest,
  request: RequestMeta | null = null,
): Promise<{ id: string }> {
  const justification = requireJustification(input.justification, "justification");
  const { type: asked } = await loadActionType(db, input.actionKey);
  // Executor step-up: the person who will run it proves a second factor when asking for it.
  if (asked.executorStepUp) {
    requireAsker(access);
    await freshSecondFactor(db, access.user, input.secondFactorCode, `Requests for ${asked.title}`, request);
  }
  const created = await db.transaction(async (tx) => {
    const { def, type, params, uses, triggerEventId } = await checkAsk(tx, access, input, false);
    if (type.executorStepUp) await requireFreshSecondFactor(tx, access.user, `Requests for ${type.title}`);
    const hash = paramsHash(params);
    const [row] = await tx
      .insert(actionRequests)
      .values({
        caseId: access.caseId,
        actionKey: type.key,
        params,
        paramsHash: hash,
        justification,
        triggerEventId,
        requestedMinutes: input.minutes,
        requestedUses: uses,
        requesterId: access.user.id,
        expiresAt: sql`now() + make_interval(mins => ${env().CASEFILE_REQUEST_TTL_MINUTES})`,
      })
      .returning({ id: actionRequests.id });
    if (!row) throw new Error("request not created");
    await appendLedger(tx, {
      type: "request.created",
      actor: actorOf(access.user),
      caseId: access.key,
      subjects: [row.id, ...(triggerEventId ? [triggerEventId] : [])],
      payload: {
        actionKey: type.key,
        riskTier: type.riskTier,
        params: asJson(params),
        paramsHash: hash,
        description: def.describe(params),
        justification,
        minutes: input.minutes,
        uses,
      },
      request,
    });
    await publish(tx, {
      kind: "request.created",
      requestId: row.id,
      caseId: access.caseId,
      userIds: [access.user.id],
      roles: type.approverRoles,
    });
    return { id: row.id, title: type.title };
  });
  announce(`${access.key}: ${access.user.name} requests "${created.title}" (request ${created.id})`);
  return { id: created.id };
}

/**
 * The action type as it stands now, held FOR SHARE until commit: an admin's change
 * (a kill switch, a lower maximum) waits for this decision, or this decision sees it.
 */
async function policyInForce(tx: Tx, key: string) {
  const def = definitionOf(key);
  const [type] = await tx.select().from(actionTypes).where(eq(actionTypes.key, key)).for("share");
  if (!def || !type)
    throw new DomainError("BAD_REQUEST", `No action ${key} in the catalogue`, { field: "actionKey" });
  return { def, type };
}

/** Locks the request row: decisions, cancellation and expiry on one request go one at a time. */
async function lockRequest(tx: Tx, requestId: string): Promise<ActionRequest | null> {
  const [row] = await tx.select().from(actionRequests).where(eq(actionRequests.id, requestId)).for("update");
  return row ?? null;
}

async function requirePending(tx: Tx, row: ActionRequest): Promise<void> {
  if (row.status !== "pending") throw new DomainError("CONFLICT", `This request is already ${row.status}`);
  if (row.expiresAt <= (await dbNow(tx))) {
    throw new DomainError("CONFLICT", "This request has expired without a decision");
  }
}

export async function cancelRequest(
  db: Tx,
  user: SessionUser,
  input: { requestId: string; reason?: string },
  request: RequestMeta | null = null,
): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await lockRequest(tx, input.requestId);
    if (!row || row.requesterId !== user.id) {
      // Only the requester cancels; to anyone else the request is not theirs to see here.
      throw new DomainError("NOT_FOUND", "No such request of yours");
    }
    await requirePending(tx, row);
    await tx
      .update(actionRequests)
      .set({ status: "cancelled", decidedAt: sql`now()`, outcomeNote: input.reason?.trim() || null })
      .where(eq(actionRequests.id, row.id));
    const { type } = await loadActionType(tx, row.actionKey);
    await appendLedger(tx, {
      type: "request.cancelled",
      actor: actorOf(user),
      caseId: await caseKeyOf(tx, row.caseId),
      subjects: [row.id],
      payload: { actionKey: row.actionKey, reason: input.reason?.trim() ?? "" },
      request,
    });
    await publish(tx, {
      kind: "request.cancelled",
      requestId: row.id,
      caseId: row.caseId,
      userIds: [user.id],
      roles: type.approverRoles,
    });
  });
}

/** Expires every pending request whose time is up (by the database clock). Safe to run anywhere, any time. */
export async function expireDue(db: Tx): Promise<number> {
  return db.transaction(async (tx) => {
    const expired = await tx
      .update(actionRequests)
      .set({ status: "expired", decidedAt: sql`now()` })
      .where(and(eq(actionRequests.status, "pending"), lte(actionRequests.expiresAt, sql`now()`)))
      .returning();
    for (const row of expired) {
      await appendLedger(tx, {
        type: "request.expired",
        actor: null,
        caseId: await caseKeyOf(tx, row.caseId),
        subjects: [row.id],
        payload: { actionKey: row.actionKey, requesterId: row.requesterId },
      });
      await publish(tx, {
        kind: "request.expired",
        requestId: row.id,
        caseId: row.caseId,
        userIds: [row.requesterId],
        roles: ["approver"],
      });
    }
    return expired.length;
  });
}

export async function caseKeyOf(tx: Tx, caseId: string): Promise<string> {
  const [row] = await tx.execute<{ key: string }>(sql`select key from cases where id = ${caseId}`);
  if (!row) throw new Error(`no case ${caseId}`);
  return row.key;
}

/** People holding a live grant on the case, for policies that keep them from approving there. */
export async function liveGranteesOf(tx: Tx, caseId: string, exceptRequestId?: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ id: grants.granteeId })
    .from(grants)
    .where(
      and(
        eq(grants.caseId, caseId),
        isNull(grants.revokedAt),
        sql`${grants.expiresAt} > now()`,
        sql`${grants.uses} < ${grants.maxUses}`,
        exceptRequestId ? sql`${grants.requestId} <> ${exceptRequestId}` : undefined,
      ),
    );
  return rows.map((r) => r.id);
}

export type Decision =
  | { requestId: string; paramsHashSeen: string; decision: "deny"; comment: string }
  | {
      requestId: string;
      paramsHashSeen: string;
      decision: "approve";
      comment?: string;
      /** A code to step up with now, if this session has not proved its second factor lately. */
      secondFactorCode?: string;
      /** Narrowing: a smaller scope, a shorter window or fewer uses than asked for. */
      params?: unknown;
      minutes?: number;
      uses?: number;
    };

/** What stands after the approvals so far: the request, narrowed by each approval in turn. */
function effectiveAsk(
  row: ActionRequest,
  prior: { narrowedParams: unknown; narrowedMinutes: number | null; narrowedUses: number | null }[],
) {
  let params = row.params as Params;
  let minutes = row.requestedMinutes;
  let uses = row.requestedUses;
  for (const a of prior) {
    if (a.narrowedParams) params = a.narrowedParams as Params;
    if (a.narrowedMinutes !== null) minutes = Math.min(minutes, a.narrowedMinutes);
    if (a.narrowedUses !== null) uses = Math.min(uses, a.narrowedUses);
  }
  return { params, minutes, uses };
}

export async function decide(
  db: Tx,
  user: SessionUser,
  input: Decision,
  request: RequestMeta | null = null,
): Promise<{ status: ActionRequest["status"]; grantId: string | null; explanation: string }> {
  const refused = { reason: "" };
  if (input.decision === "approve" && input.secondFactorCode?.trim()) {
    await stepUp(db, user, input.secondFactorCode, request);
  }
  // (The freshness itself is checked inside the decision, once the request's risk is known.)
  try {
    return await db.transaction(async (tx) => {
      const row = await lockRequest(tx, input.requestId);
      if (!row) throw new DomainError("NOT_FOUND", "No such request");
      const { def, type } = await policyInForce(tx, row.actionKey);
      const eligible = eligibility(type, user, {
        requesterId: row.requesterId,
        caseGranteeIds: type.excludeCaseGrantees ? await liveGranteesOf(tx, row.caseId, row.id) : [],
      });
      if (!eligible.eligible) {
        if (row.requesterId === user.id) refused.reason = eligible.reason;
        throw new DomainError(
          row.requesterId === user.id ? "FORBIDDEN" : "NOT_FOUND",
          row.requesterId === user.id ? eligible.reason : "No such request awaiting your decision",
        );
      }
      await requirePending(tx, row);
      if (!type.enabled) {
        throw new DomainError(
          "CONFLICT",
          `${type.title} is disabled by policy; this request can no longer be decided`,
        );
      }
      if (input.paramsHashSeen !== row.paramsHash) {
        throw new DomainError("CONFLICT", "The request is not the one you reviewed; reload it");
      }
      const prior = await tx
        .select()
        .from(approvals)
        .where(eq(approvals.requestId, row.id))
        .orderBy(approvals.createdAt);
      if (prior.some((a) => a.approverId === user.id)) {
        throw new DomainError("CONFLICT", "You have already decided this request; one person counts once");
      }
      const caseKey = await caseKeyOf(tx, row.caseId);
      const actor = actorOf(user);
      // Why this approver was allowed, as it stood at this moment: kept with the decision.
      const basis = {
        approverRoles: [...user.roles],
        approverClearance: user.clearance,
        policyVersion: type.version,
      };
      const basisJson = {
        approver: { roles: [...user.roles], clearance: user.clearance },
        policyVersion: type.version,
        ...(await onBehalfOf(tx, user.id)),
      };

      if (input.decision === "deny") {
        const comment = input.comment.trim();
        if (comment.length < 5)
          throw new DomainError("BAD_REQUEST", "Say why you deny it", { field: "comment" });
        await tx.insert(approvals).values({
          requestId: row.id,
          approverId: user.id,
          decision: "deny",
          comment,
          paramsHashSeen: input.paramsHashSeen,
          ...basis,
        });
        await tx
          .update(actionRequests)
          .set({ status: "denied", decidedAt: sql`now()`, outcomeNote: comment })
          .where(eq(actionRequests.id, row.id));
        await appendLedger(tx, {
          type: "request.denied",
          actor,
          caseId: caseKey,
          subjects: [row.id],
          payload: { actionKey: row.actionKey, comment, ...basisJson },
          request,
        });
        await publish(tx, {
          kind: "request.decided",
          requestId: row.id,
          caseId: row.caseId,
          userIds: [row.requesterId],
          roles: type.approverRoles,
        });
        return { status: "denied" as const, grantId: null, explanation: "Denied." };
      }

      const current = effectiveAsk(row, prior);
      await requireCaseObjects(tx, row.caseId, def, current.params);
      let narrowedParams: Params | null = null;
      if (input.params !== undefined) {
        const candidate = parseParams(def, input.params);
        const outside = def.outside(candidate, current.params);
        if (outside)
          throw new DomainError("BAD_REQUEST", `A narrowed scope must lie inside the request: ${outside}`, {
            field: "params",
          });
        if (paramsHash(candidate) !== paramsHash(current.params)) narrowedParams = candidate;
      }
      const narrowedMinutes =
        input.minutes !== undefined && input.minutes !== current.minutes ? input.minutes : null;
      if (
        narrowedMinutes !== null &&
        (!Number.isInteger(narrowedMinutes) || narrowedMinutes < 1 || narrowedMinutes > current.minutes)
      ) {
        throw new DomainError("BAD_REQUEST", `The window can only shorten: 1 to ${current.minutes} minutes`, {
          field: "minutes",
        });
      }
      const narrowedUses = input.uses !== undefined && input.uses !== current.uses ? input.uses : null;
      if (
        narrowedUses !== null &&
        (!Number.isInteger(narrowedUses) || narrowedUses < 1 || narrowedUses > current.uses)
      ) {
        throw new DomainError("BAD_REQUEST", `Uses can only go down: 1 to ${current.uses}`, {
          field: "uses",
        });
      }
      const narrowed = narrowedParams !== null || narrowedMinutes !== null || narrowedUses !== null;
      // High-risk approvals need a second factor proved within the last few minutes.
      const proof =
        type.riskTier === "high" || type.riskTier === "critical"
          ? await requireFreshSecondFactor(tx, user)
          : null;
      await tx.insert(approvals).values({
        requestId: row.id,
        approverId: user.id,
        decision: "approve",
        comment: input.comment?.trim() ?? "",
        narrowedParams,
        narrowedMinutes,
        narrowedUses,
        paramsHashSeen: input.paramsHashSeen,
        stepUpAt: proof?.at ?? null,
        stepUpMethod: proof?.method ?? null,
        ...basis,
      });
      const after = effectiveAsk(row, [...prior, { narrowedParams, narrowedMinutes, narrowedUses }]);
      const outsideHours = !isBusinessHours(await dbNow(tx), env().CASEFILE_TIMEZONE);
      const given = prior.filter((a) => a.decision === "approve").length + 1;
      const state = progress(type, given, outsideHours);
      await appendLedger(tx, {
        type: narrowed ? "request.narrowed" : "request.approved",
        actor,
        caseId: caseKey,
        subjects: [row.id],
        payload: {
          actionKey: row.actionKey,
          comment: input.comment?.trim() ?? "",
          paramsHashSeen: input.paramsHashSeen,
          narrowed: narrowed
            ? {
                params: narrowedParams ? asJson(narrowedParams) : null,
                minutes: narrowedMinutes,
                uses: narrowedUses,
              }
            : null,
          approvals: `${state.given} of ${state.needed}`,
          secondFactor: proof ? { at: proof.at.toISOString(), method: proof.method } : null,
          ...basisJson,
        },
        request,
      });
      if (!state.met) {
        await publish(tx, {
          kind: "request.decided",
          requestId: row.id,
          caseId: row.caseId,
          userIds: [row.requesterId],
          roles: type.approverRoles,
        });
        return { status: "pending" as const, grantId: null, explanation: state.explanation };
      }
      await tx
        .update(actionRequests)
        .set({ status: "approved", decidedAt: sql`now()` })
        .where(eq(actionRequests.id, row.id));
      // The grant is capped by the policy in force now, whatever was asked for under an earlier one.
      const grantId = await createGrant(tx, {
        row,
        caseKey,
        scope: after.params,
        minutes: Math.min(after.minutes, type.maxDurationMinutes),
        uses: Math.min(after.uses, type.maxUses),
        breakGlass: false,
        actor,
        request,
        policyVersion: type.version,
      });
      await publish(tx, {
        kind: "grant.created",
        requestId: row.id,
        caseId: row.caseId,
        userIds: [row.requesterId],
        roles: type.approverRoles,
      });
      return { status: "approved" as const, grantId, explanation: state.explanation };
    });
  } finally {
    if (refused.reason) await recordSelfApprovalAttempt(db, user, input.requestId, refused.reason, request);
  }
}

/** A refused self-approval leaves its trace even though nothing else changed. */
async function recordSelfApprovalAttempt(
  db: Tx,
  user: SessionUser,
  requestId: string,
  reason: string,
  request: RequestMeta | null,
) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ caseId: actionRequests.caseId, actionKey: actionRequests.actionKey })
      .from(actionRequests)
      .where(eq(actionRequests.id, requestId));
    await appendLedger(tx, {
      type: "request.self_approval_refused",
      actor: actorOf(user),
      caseId: row ? await caseKeyOf(tx, row.caseId) : null,
      subjects: [requestId],
      payload: { actionKey: row?.actionKey ?? null, reason },
      request,
    });
  });
}

/** The grant a met threshold (or break-glass) creates; its clock starts now, by the database. */
export async function createGrant(
  tx: Tx,
  input: {
    row: ActionRequest;
    caseKey: string;
    scope: Params;
    minutes: number;
    uses: number;
    breakGlass: boolean;
    actor: ReturnType<typeof actorOf>;
    request: RequestMeta | null;
    policyVersion?: number;
  },
): Promise<string> {
  const [grant] = await tx
    .insert(grants)
    .values({
      requestId: input.row.id,
      caseId: input.row.caseId,
      actionKey: input.row.actionKey,
      granteeId: input.row.requesterId,
      scope: input.scope,
      notBefore: sql`now()`,
      expiresAt: sql`now() + make_interval(mins => ${input.minutes})`,
      maxUses: input.uses,
      breakGlass: input.breakGlass,
    })
    .returning({ id: grants.id, expiresAt: grants.expiresAt });
  if (!grant) throw new Error("grant not created");
  await appendLedger(tx, {
    type: "grant.created",
    actor: input.actor,
    caseId: input.caseKey,
    subjects: [grant.id, input.row.id, input.row.requesterId],
    payload: {
      actionKey: input.row.actionKey,
      scope: asJson(input.scope),
      granteeId: input.row.requesterId,
      expiresAt: grant.expiresAt.toISOString(),
      maxUses: input.uses,
      breakGlass: input.breakGlass,
      ...(input.policyVersion === undefined ? {} : { policyVersion: input.policyVersion }),
    },
    request: input.request,
  });
  return grant.id;
}
