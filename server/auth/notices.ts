/** Security notices: what changed on the account (second factor replaced or reset), shown from the next sign-in until dismissed. */
import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { securityNotices, userSessions } from "@/db/schema";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import type { SessionUser } from "./sessions";

export type SecurityNotice = {
  id: string;
  kind: string;
  at: Date;
  ip: string | null;
  userAgent: string | null;
  by: string | null;
};

/** Undismissed notices from before this session began (the session that made a change has seen it). */
export async function listNotices(db: DbOrTx, user: SessionUser): Promise<SecurityNotice[]> {
  const began = db
    .select({ at: userSessions.createdAt })
    .from(userSessions)
    .where(eq(userSessions.id, user.sessionId));
  return db
    .select({
      id: securityNotices.id,
      kind: securityNotices.kind,
      at: securityNotices.at,
      ip: securityNotices.ip,
      userAgent: securityNotices.userAgent,
      by: securityNotices.byName,
    })
    .from(securityNotices)
    .where(
      and(
        eq(securityNotices.userId, user.id),
        isNull(securityNotices.dismissedAt),
        lt(securityNotices.at, sql`(${began})`),
      ),
    )
    .orderBy(asc(securityNotices.at));
}

export async function dismissNotice(
  db: Db,
  user: SessionUser,
  noticeId: string,
  request: RequestMeta | null = null,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(securityNotices)
      .set({ dismissedAt: sql`now()` })
      .where(
        and(
          eq(securityNotices.id, noticeId),
          eq(securityNotices.userId, user.id),
          isNull(securityNotices.dismissedAt),
        ),
      )
      .returning({ kind: securityNotices.kind });
    if (!row) throw new DomainError("NOT_FOUND", "No such notice", { field: "noticeId" });
    await appendLedger(tx, {
      type: "auth.notice_dismissed",
      actor: { id: user.id, name: user.name },
      subjects: [user.id, noticeId],
      payload: { kind: row.kind },
      request,
    });
  });
}
