/** Who is told: active people by role, and the approvers eligible for a given request. */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { actionRequests, actionTypes, cases, type Role, userRoles, users } from "@/db/schema";
import { liveGranteesOf } from "../requests/live-grant";
import { eligibility } from "../requests/policy";

export type Recipient = { id: string; email: string; name: string };

type PersonRow = Recipient & { clearance: number; serviceAccount: boolean; roles: Role[] };

async function activePeople(tx: DbOrTx, roles: readonly Role[]): Promise<PersonRow[]> {
  if (roles.length === 0) return [];
  const rows = await tx
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      clearance: users.clearance,
      serviceAccount: users.serviceAccount,
      roles: sql<Role[]>`array_agg(${userRoles.role}::text)`,
    })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .where(and(isNull(users.disabledAt), inArray(userRoles.role, [...roles])))
    .groupBy(users.id);
  return rows;
}

/** Active people holding any of `roles` (service accounts are systems: they are not told). */
export async function peopleWithRoles(tx: DbOrTx, roles: readonly Role[]): Promise<Recipient[]> {
  const rows = await activePeople(tx, roles);
  return rows.filter((r) => !r.serviceAccount).map(({ id, email, name }) => ({ id, email, name }));
}

export async function person(tx: DbOrTx, id: string): Promise<Recipient | null> {
  const [row] = await tx
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(and(eq(users.id, id), isNull(users.disabledAt)));
  return row ?? null;
}

/** What a notification about a request may say: case key, action, risk, requester — no parameters. */
export async function requestFacts(tx: DbOrTx, requestId: string) {
  const [row] = await tx
    .select({
      id: actionRequests.id,
      status: actionRequests.status,
      caseId: actionRequests.caseId,
      caseKey: cases.key,
      requesterId: actionRequests.requesterId,
      requesterName: users.name,
      expiresAt: actionRequests.expiresAt,
      createdAt: actionRequests.createdAt,
      breakGlass: actionRequests.breakGlass,
      type: actionTypes,
    })
    .from(actionRequests)
    .innerJoin(cases, eq(cases.id, actionRequests.caseId))
    .innerJoin(users, eq(users.id, actionRequests.requesterId))
    .innerJoin(actionTypes, eq(actionTypes.key, actionRequests.actionKey))
    .where(eq(actionRequests.id, requestId));
  return row ?? null;
}

export type RequestFactsRow = NonNullable<Awaited<ReturnType<typeof requestFacts>>>;

/** Everyone who may decide the request now, by the same rule the decision applies. */
export async function eligibleApprovers(tx: DbOrTx, facts: RequestFactsRow): Promise<Recipient[]> {
  const grantees = facts.type.excludeCaseGrantees ? await liveGranteesOf(tx, facts.caseId, facts.id) : [];
  const people = await activePeople(tx, facts.type.approverRoles);
  return people
    .filter(
      (p) =>
        eligibility(facts.type, p, { requesterId: facts.requesterId, caseGranteeIds: grantees }).eligible,
    )
    .map(({ id, email, name }) => ({ id, email, name }));
}
