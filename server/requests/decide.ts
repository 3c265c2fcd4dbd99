/**
 * Where a request is decided: an eligible approver denies it, or approves it (possibly
 * narrowed) until the policy's threshold creates its grant. One transaction per
 * decision, holding the request row and the policy in force until commit.
 */
import { eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { actionRequests, actionTypes, approvals, type ActionRequest } from "@/db/schema";
import { definitionOf } from "../actions/catalogue";
import { requireFreshSecondFactor, stepUp } from "../auth/second-factor";
import type { SessionUser } from "../auth/sessions";
import { actorOf } from "../cases/access";
import { env } from "../env";
import { DomainError } from "../errors";
import { approvalNeedsSecondFactor } from "../shared/constants";
import { appendLedger } from "../ledger/append";
import { recordEvent } from "../ledger/record-event";
import type { RequestMeta } from "../request-meta";
import { requireCaseObjects } from "./case-objects";
import { createGrant } from "./grants";
import { liveGranteesOf } from "./live-grant";
import { effectiveAsk, narrowingOf } from "./narrow";
import { asJson, dbNow } from "./params";
import { onBehalfOf } from "./delegation";
import { eligibility, isBusinessHours, progress } from "./policy";
import { caseKeyOf, lockRequest, requirePending } from "./request-row";
import { tellRequester } from "./notify";

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

export async function decide(
  db: Db,
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
          caseKey,
          subjects: [row.id],
          payload: { actionKey: row.actionKey, comment, ...basisJson },
          request,
        });
        await tellRequester(tx, "request.decided", row, type.approverRoles);
        return { status: "denied" as const, grantId: null, explanation: "Denied." };
      }

      const current = effectiveAsk(row, prior);
      await requireCaseObjects(tx, row.caseId, def, current.params);
      const { narrowedParams, narrowedMinutes, narrowedUses } = narrowingOf(def, current, input);
      const narrowed = narrowedParams !== null || narrowedMinutes !== null || narrowedUses !== null;
      // High-risk approvals need a second factor proved within the last few minutes.
      const proof = approvalNeedsSecondFactor(type.riskTier)
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
        caseKey,
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
        await tellRequester(tx, "request.decided", row, type.approverRoles);
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
      await tellRequester(tx, "grant.created", row, type.approverRoles);
      return { status: "approved" as const, grantId, explanation: state.explanation };
    });
  } finally {
    if (refused.reason) await recordSelfApprovalAttempt(db, user, input.requestId, refused.reason, request);
  }
}

/** A refused self-approval leaves its trace even though nothing else changed. */
async function recordSelfApprovalAttempt(
  db: Db,
  user: SessionUser,
  requestId: string,
  reason: string,
  request: RequestMeta | null,
) {
  const [row] = await db
    .select({ caseId: actionRequests.caseId, actionKey: actionRequests.actionKey })
    .from(actionRequests)
    .where(eq(actionRequests.id, requestId));
  await recordEvent(db, {
    type: "request.self_approval_refused",
    actor: actorOf(user),
    caseKey: row ? await caseKeyOf(db, row.caseId) : null,
    subjects: [requestId],
    payload: { actionKey: row?.actionKey ?? null, reason },
    request,
  });
}
