/**
 * The post-hoc review every break-glass opens: the open reviews, and closing one,
 * by someone other than the person who broke the glass.
 */
import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { actionRequests, actionTypes, breakGlassReviews, cases, grants, users } from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { actorOf } from "../cases/access";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import { caseKeyOf } from "./request-row";

/** Break-glass grants waiting for their post-hoc review, for approvers and compliance reviewers. */
export async function openBreakGlassReviews(db: DbOrTx, user: SessionUser) {
  if (!user.roles.some((r) => r === "approver" || r === "compliance")) return [];
  return db
    .select({
      requestId: actionRequests.id,
      actionTitle: actionTypes.title,
      caseKey: cases.key,
      requesterName: users.name,
      reason: actionRequests.outcomeNote,
      openedAt: breakGlassReviews.openedAt,
      uses: grants.uses,
      maxUses: grants.maxUses,
    })
    .from(breakGlassReviews)
    .innerJoin(actionRequests, eq(actionRequests.id, breakGlassReviews.requestId))
    .innerJoin(actionTypes, eq(actionTypes.key, actionRequests.actionKey))
    .innerJoin(cases, eq(cases.id, actionRequests.caseId))
    .innerJoin(users, eq(users.id, actionRequests.requesterId))
    .leftJoin(grants, eq(grants.requestId, actionRequests.id))
    .where(and(sql`${breakGlassReviews.reviewedAt} is null`, ne(actionRequests.requesterId, user.id)))
    .orderBy(asc(breakGlassReviews.openedAt));
}

/** Closes a break-glass post-hoc review: someone other than the person who broke the glass. */
export async function reviewBreakGlass(
  db: Db,
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
      .where(and(eq(breakGlassReviews.requestId, input.requestId)));
    await appendLedger(tx, {
      type: "break_glass.reviewed",
      actor: actorOf(user),
      caseKey: await caseKeyOf(tx, row.caseId),
      subjects: [input.requestId],
      payload: { verdict: input.verdict, note },
      request,
    });
  });
}
