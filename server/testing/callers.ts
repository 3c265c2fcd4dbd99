import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { loadSessionUser, openSession } from "../auth/sessions";
import { createContextInner } from "../trpc/init";
import { createCaller } from "../trpc/routers/_app";

const meta = { requestId: "test", ip: "127.0.0.1", userAgent: "vitest" };

/** Opens a real session for the user and loads it the way a request does. */
export async function sessionFor(db: Db, email: string) {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!user) throw new Error(`no user ${email}`);
  const sessionId = await openSession(db, user.id, { ip: meta.ip, userAgent: meta.userAgent });
  return sessionId;
}

/** A tRPC caller for the session as it stands now (null session: signed out). */
export async function callerForSession(db: Db, sessionId: string | null) {
  const user = sessionId ? await loadSessionUser(db, sessionId) : null;
  return createCaller(createContextInner({ db, user, meta }));
}

export async function callerFor(db: Db, email: string | null) {
  return callerForSession(db, email ? await sessionFor(db, email) : null);
}

export type Caller = Awaited<ReturnType<typeof callerFor>>;

/** The approver reads the request's review, then approves exactly what it showed; returns the grant. */
export async function approveAsSeen(approver: Caller, requestId: string): Promise<string> {
  const review = await approver.requests.review({ requestId });
  const { grantId } = await approver.requests.decide({
    requestId,
    paramsHashSeen: review.request.paramsHash,
    decision: "approve",
  });
  if (!grantId) throw new Error(`approving ${requestId} gave no grant`);
  return grantId;
}
