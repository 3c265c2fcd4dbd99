/**
 * "Request access": someone who cannot open a case asks its lead. The answer is the same
 * whether the case exists or not, and whether or not it is hidden from them, so asking
 * reveals nothing; only a real request is stored and ledgered, for the lead to grant
 * (adding the person as a member) or decline.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { caseAccessRequests, caseMembers, cases, users } from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import { actorOf, type CaseAccess, requireLead } from "./access";
import { addMemberIn } from "./cases";

const CASE_KEY = /^CASE-\d{4}-\d{4,}$/;
export const ACCESS_REQUEST_SENT =
  "If this case exists, its lead has been asked. You will find it under Cases once they add you.";

export async function requestCaseAccess(
  db: Db,
  user: SessionUser,
  input: { key: string; reason: string },
  request: RequestMeta | null = null,
): Promise<{ message: string }> {
  const key = input.key.trim().toUpperCase();
  const reason = input.reason.trim();
  if (!CASE_KEY.test(key))
    throw new DomainError("BAD_REQUEST", "A case key looks like CASE-2026-0042", { field: "key" });
  if (reason.length < 10)
    throw new DomainError("BAD_REQUEST", "Say in a sentence why you need this case", { field: "reason" });
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: cases.id, member: caseMembers.userId })
      .from(cases)
      .leftJoin(caseMembers, and(eq(caseMembers.caseId, cases.id), eq(caseMembers.userId, user.id)))
      .where(eq(cases.key, key));
    if (!row || row.member) return;
    const [made] = await tx
      .insert(caseAccessRequests)
      .values({ caseId: row.id, requesterId: user.id, reason })
      .onConflictDoNothing()
      .returning({ id: caseAccessRequests.id });
    if (!made) return; // already asked and not yet answered
    await appendLedger(tx, {
      type: "case.access_requested",
      actor: actorOf(user),
      caseKey: key,
      subjects: [row.id, made.id],
      payload: { requester: user.name },
      request,
    });
  });
  return { message: ACCESS_REQUEST_SENT };
}

/** Open requests for access to the case: the lead's to answer. */
export async function openAccessRequests(db: DbOrTx, access: CaseAccess) {
  if (!access.isLead) return [];
  return db
    .select({
      id: caseAccessRequests.id,
      requesterId: caseAccessRequests.requesterId,
      requesterName: users.name,
      requesterEmail: users.email,
      reason: caseAccessRequests.reason,
      createdAt: caseAccessRequests.createdAt,
    })
    .from(caseAccessRequests)
    .innerJoin(users, eq(users.id, caseAccessRequests.requesterId))
    .where(and(eq(caseAccessRequests.caseId, access.caseId), isNull(caseAccessRequests.decidedAt)))
    .orderBy(asc(caseAccessRequests.createdAt));
}

/** The lead grants (read or write) or declines; granting adds the member, with its own entry. */
export async function answerAccessRequest(
  db: Db,
  access: CaseAccess,
  input: { requestId: string; grant: "read" | "write" | null },
  request: RequestMeta | null = null,
): Promise<void> {
  requireLead(access);
  await db.transaction(async (tx) => {
    const [open] = await tx
      .update(caseAccessRequests)
      .set({
        decidedAt: sql`now()`,
        decidedBy: access.user.id,
        outcome: input.grant ? "granted" : "declined",
      })
      .where(
        and(
          eq(caseAccessRequests.id, input.requestId),
          eq(caseAccessRequests.caseId, access.caseId),
          isNull(caseAccessRequests.decidedAt),
        ),
      )
      .returning({ requesterId: caseAccessRequests.requesterId });
    if (!open)
      throw new DomainError("NOT_FOUND", "No open access request with that id on this case", {
        field: "requestId",
      });
    // Granting adds the member (its own ledger entry), in this same transaction.
    if (input.grant)
      await addMemberIn(tx, access, { userId: open.requesterId, access: input.grant }, request);
    await appendLedger(tx, {
      type: "case.access_answered",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: [access.caseId, input.requestId, open.requesterId],
      payload: { outcome: input.grant ? "granted" : "declined", access: input.grant },
      request,
    });
  });
}
