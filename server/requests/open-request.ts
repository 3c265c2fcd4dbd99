/**
 * Need-to-know for one request: who may open it, and with which access to its case.
 */
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { actionRequests, approvals } from "@/db/schema";
import { loadActionType } from "../actions/types";
import type { SessionUser } from "../auth/sessions";
import { openCase, reviewAccess } from "../cases/access";
import { DomainError } from "../errors";
import { liveGranteesOf } from "./live-grant";
import { eligibility } from "./policy";

export const NOT_FOUND = () => new DomainError("NOT_FOUND", "No such request, or it is not yours to see");

/**
 * A request's review (it shows the case) is seen by the case's members as they are now,
 * compliance reviewers, and the approvers it is routed to (eligible ones, and those who
 * decided it). Others get NOT_FOUND, its requester too once off the case: losing
 * membership loses the case's content at once, on every path.
 */
export async function openRequest(db: DbOrTx, user: SessionUser, requestId: string) {
  const [row] = await db.select().from(actionRequests).where(eq(actionRequests.id, requestId));
  if (!row) throw NOT_FOUND();
  const [{ def, type }, caseAccess, [decided]] = await Promise.all([
    loadActionType(db, row.actionKey),
    openCase(db, user, row.caseId).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === "NOT_FOUND") return null;
      throw error;
    }),
    db
      .select({ id: approvals.id })
      .from(approvals)
      .where(and(eq(approvals.requestId, row.id), eq(approvals.approverId, user.id))),
  ]);
  const eligible = eligibility(type, user, {
    requesterId: row.requesterId,
    caseGranteeIds: type.excludeCaseGrantees ? await liveGranteesOf(db, row.caseId, row.id) : [],
  });
  const isApprover = eligible.eligible || Boolean(decided);
  if (!caseAccess && !isApprover) throw NOT_FOUND();
  const access = caseAccess ?? (await reviewAccess(db, user, row.caseId));
  return { row, def, type, access, eligible, decided: Boolean(decided) };
}
