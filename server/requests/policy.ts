/**
 * The approval policy as plain functions: who may approve, how many approvals a
 * request needs, how long and how often a grant may be used. Each answer comes
 * with the words the approver sees.
 */
import type { ActionType, Role } from "@/db/schema";
import { TIER_CLEARANCE } from "../actions/catalogue";

export type Policy = Pick<
  ActionType,
  | "riskTier"
  | "approvalsRequired"
  | "approverRoles"
  | "minClearance"
  | "maxDurationMinutes"
  | "maxUses"
  | "businessHours"
  | "breakGlassAllowed"
  | "excludeCaseGrantees"
>;

export type Person = {
  id: string;
  roles: readonly Role[];
  clearance: number;
  /** A system's account: never an approver, whatever its roles. */
  serviceAccount?: boolean;
};

export type RequestFacts = {
  requesterId: string;
  /** People holding a live grant on the request's case (other requests). */
  caseGranteeIds: readonly string[];
};

/** Business hours: Monday to Friday, 08:00 to 18:00 in the organisation's time zone. */
export const BUSINESS_HOURS = { startHour: 8, endHour: 18 } as const;

/** Break-glass grants last at most this long, whatever the policy's maximum. */
export const BREAK_GLASS_MAX_MINUTES = 15;

export function requiredClearance(policy: Policy): number {
  return Math.max(policy.minClearance, TIER_CLEARANCE[policy.riskTier]);
}

export type Eligibility = { eligible: true } | { eligible: false; reason: string };

export function eligibility(policy: Policy, approver: Person, facts: RequestFacts): Eligibility {
  if (approver.id === facts.requesterId)
    return { eligible: false, reason: "Nobody approves their own request" };
  if (approver.serviceAccount) return { eligible: false, reason: "Service accounts approve nothing" };
  if (!policy.approverRoles.some((r) => approver.roles.includes(r)))
    return { eligible: false, reason: `Approvers need the ${policy.approverRoles.join(" or ")} role` };
  const clearance = requiredClearance(policy);
  if (approver.clearance < clearance)
    return {
      eligible: false,
      reason: `Approvers need clearance ≥ ${clearance} (yours is ${approver.clearance})`,
    };
  if (policy.excludeCaseGrantees && facts.caseGranteeIds.includes(approver.id))
    return { eligible: false, reason: "You hold a live grant on this case, so you may not approve here" };
  return { eligible: true };
}

/** Weekday and hour of `at` in `timeZone` (an IANA name). */
export function isBusinessHours(at: Date, timeZone: string): boolean {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    hour: "numeric",
    hourCycle: "h23",
  }).formatToParts(at);
  const weekday = parts.find((p) => p.type === "weekday")?.value ?? "";
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? "0");
  if (weekday === "Sat" || weekday === "Sun") return false;
  return hour >= BUSINESS_HOURS.startHour && hour < BUSINESS_HOURS.endHour;
}

/** Outside business hours, a policy that cares about them asks for one approval more. */
export function approvalsNeeded(policy: Policy, outsideBusinessHours: boolean): number {
  return policy.approvalsRequired + (policy.businessHours && outsideBusinessHours ? 1 : 0);
}

export type Progress = { needed: number; given: number; met: boolean; explanation: string };

export function progress(policy: Policy, given: number, outsideBusinessHours: boolean): Progress {
  const needed = approvalsNeeded(policy, outsideBusinessHours);
  const who = `${needed === 1 ? "1 approver" : `${needed} distinct approvers`} with the ${policy.approverRoles.join(
    " or ",
  )} role and clearance ≥ ${requiredClearance(policy)}`;
  const hours =
    policy.businessHours && outsideBusinessHours ? " (one more than usual: outside business hours)" : "";
  return {
    needed,
    given,
    met: given >= needed,
    explanation: `Needs ${who}${hours}; ${Math.min(given, needed)} of ${needed} given. The requester cannot approve.`,
  };
}

/** Why a requested duration is not allowed, or null. */
export function durationProblem(policy: Policy, minutes: number, breakGlass = false): string | null {
  const max = breakGlass
    ? Math.min(BREAK_GLASS_MAX_MINUTES, policy.maxDurationMinutes)
    : policy.maxDurationMinutes;
  if (!Number.isInteger(minutes) || minutes < 1) return "Ask for at least 1 minute";
  if (minutes > max) return `At most ${max} minutes for this action${breakGlass ? " under break-glass" : ""}`;
  return null;
}

export function usesProblem(policy: Policy, uses: number): string | null {
  if (!Number.isInteger(uses) || uses < 1) return "Ask for at least 1 use";
  if (uses > policy.maxUses)
    return policy.maxUses === 1
      ? "This action is single-use"
      : `At most ${policy.maxUses} uses for this action`;
  return null;
}

/** A short description of the policy for the request form and the catalogue. */
export function summary(policy: Policy): string {
  const uses = policy.maxUses === 1 ? "single use" : `up to ${policy.maxUses} uses`;
  const extras = [
    policy.businessHours ? "one more approval outside business hours" : null,
    policy.breakGlassAllowed ? "break-glass allowed" : null,
  ].filter(Boolean);
  return `${policy.riskTier} risk: ${progress(policy, 0, false).explanation.split(";")[0]}; at most ${
    policy.maxDurationMinutes
  } min, ${uses}${extras.length ? `; ${extras.join("; ")}` : ""}.`;
}
