/**
 * Why a shared review link shows nothing, for an approver it was not routed to: what is
 * missing (the policy's own reason) and who can decide instead. Only the action's title and
 * the names of eligible approvers are told, never the case or the request's parameters;
 * people who are not approvers, and links to nothing, get null (a plain "not found").
 */
import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { actionRequests, userRoles, users } from "@/db/schema";
import { loadActionType } from "../actions/types";
import type { SessionUser } from "../auth/sessions";
import { DomainError } from "../errors";
import { openRequest } from "./open-request";
import { eligibility } from "./policy";

export type Refusal = { actionTitle: string; reason: string; whoCanDecide: string[] };

const MAX_NAMED = 5;

export async function reviewRefusal(
  db: DbOrTx,
  user: SessionUser,
  requestId: string,
): Promise<Refusal | null> {
  if (!user.roles.includes("approver")) return null;
  const visible = await openRequest(db, user, requestId).then(
    () => true,
    (error: unknown) => {
      if (error instanceof DomainError && error.code === "NOT_FOUND") return false;
      throw error;
    },
  );
  if (visible) return null;
  const [row] = await db
    .select({ actionKey: actionRequests.actionKey, requesterId: actionRequests.requesterId })
    .from(actionRequests)
    .where(eq(actionRequests.id, requestId));
  if (!row) return null;
  const { type } = await loadActionType(db, row.actionKey);
  const mine = eligibility(type, user, { requesterId: row.requesterId, caseGranteeIds: [] });
  const people = await db
    .select({
      id: users.id,
      name: users.name,
      clearance: users.clearance,
      serviceAccount: users.serviceAccount,
      role: userRoles.role,
    })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .where(and(isNull(users.disabledAt)));
  const byId = new Map<
    string,
    {
      id: string;
      name: string;
      clearance: number;
      serviceAccount: boolean;
      roles: (typeof people)[number]["role"][];
    }
  >();
  for (const p of people) {
    const person = byId.get(p.id) ?? { ...p, roles: [] };
    person.roles.push(p.role);
    byId.set(p.id, person);
  }
  const whoCanDecide = [...byId.values()]
    .filter(
      (p) =>
        p.id !== user.id &&
        eligibility(type, p, { requesterId: row.requesterId, caseGranteeIds: [] }).eligible,
    )
    .map((p) => p.name)
    .sort()
    .slice(0, MAX_NAMED);
  return {
    actionTitle: type.title,
    reason: mine.eligible ? "This request is no longer open to you" : mine.reason,
    whoCanDecide,
  };
}
