/**
 * What every ask must satisfy before it becomes a request (or a break-glass grant):
 * an investigator with write access, a justification of a few words, an enabled
 * action, parameters, duration and uses within policy, and case objects of this case.
 */
import { and, eq } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { timelineEvents } from "@/db/schema";
import { loadActionType } from "../actions/types";
import { type CaseAccess, requireWrite } from "../cases/access";
import { DomainError } from "../errors";
import { requireCaseObjects } from "./case-objects";
import { parseParams } from "./params";
import { durationProblem, usesProblem } from "./policy";

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
