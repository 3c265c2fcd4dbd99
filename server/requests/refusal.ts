/**
 * Refusals of a grant's use, found inside the consuming transaction: throwing one
 * rolls the use back; then it is recorded in a transaction of its own.
 */
import type { Db } from "@/db/client";
import type { ActionType, Grant } from "@/db/schema";
import { actorOf, type CaseAccess } from "../cases/access";
import { DomainError } from "../errors";
import { recordEvent } from "../ledger/record-event";
import type { RequestMeta } from "../request-meta";

type InForce = Pick<ActionType, "title" | "enabled" | "maxDurationMinutes" | "executorStepUp" | "version">;

/** Why a grant cannot be used now, in the words the investigator sees. */
export function whyNotLive(grant: Grant, userId: string, now: Date, policy: InForce): string {
  if (grant.granteeId !== userId) return "This grant was issued to someone else";
  if (grant.revokedAt) return "This grant was revoked";
  if (!policy.enabled) return `${policy.title} is disabled by policy`;
  if (grant.uses >= grant.maxUses)
    return grant.maxUses === 1
      ? "This single-use grant has already been used"
      : `All ${grant.maxUses} uses of this grant are spent`;
  if (now >= grant.expiresAt) return "This grant has expired";
  if (now < grant.notBefore) return "This grant is not valid yet";
  if (now.getTime() >= grant.notBefore.getTime() + policy.maxDurationMinutes * 60_000)
    return `The policy now allows at most ${policy.maxDurationMinutes} minutes, and this grant's window under it has closed`;
  return "This grant is not live";
}

/** A refusal found inside the consuming transaction: throwing it rolls the use back; then it is recorded. */
export class Refusal extends Error {
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

/** The refused attempt's ledger entry; then the error the caller sees (a use kept is not "refused"). */
export async function recordRefusal(
  db: Db,
  access: CaseAccess,
  error: Refusal,
  request: RequestMeta | null,
): Promise<DomainError> {
  await recordEvent(db, {
    type: error.unrunnable ? "action.not_runnable" : "action.denied_attempt",
    actor: actorOf(access.user),
    caseKey: access.key,
    subjects: [error.grant.id, error.grant.requestId],
    payload: {
      actionKey: error.grant.actionKey,
      reason: error.reason,
      params: (error.params ?? null) as never,
    },
    request,
  });
  return error.unrunnable
    ? new DomainError("PRECONDITION_FAILED", `Not run: ${error.reason}. The grant's use was not spent.`)
    : new DomainError("FORBIDDEN", `Refused: ${error.reason}`);
}
