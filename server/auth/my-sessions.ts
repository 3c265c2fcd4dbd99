import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { userSessions } from "@/db/schema";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import { publishAccessChange } from "../realtime/live";
import type { RequestMeta } from "../request-meta";
import type { SessionUser } from "./sessions";

/** The user's live sessions, this one first, so they can spot one that is not theirs. */
export async function listMySessions(db: DbOrTx, user: SessionUser) {
  const rows = await db
    .select({
      id: userSessions.id,
      createdAt: userSessions.createdAt,
      expiresAt: userSessions.expiresAt,
      ip: userSessions.ip,
      userAgent: userSessions.userAgent,
    })
    .from(userSessions)
    .where(
      and(
        eq(userSessions.userId, user.id),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(userSessions.createdAt));
  return rows
    .map((r) => ({ ...r, current: r.id === user.sessionId }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/** Signs out one of the user's other sessions, or all of them (`sessionId` omitted). */
export async function signOutOtherSessions(
  db: Db,
  user: SessionUser,
  input: { sessionId?: string },
  request: RequestMeta | null = null,
): Promise<number> {
  if (input.sessionId === user.sessionId) {
    throw new DomainError("BAD_REQUEST", "Use Sign out to end this session", { field: "sessionId" });
  }
  return db.transaction(async (tx) => {
    const ended = await tx
      .update(userSessions)
      .set({ revokedAt: sql`now()` })
      .where(
        and(
          eq(userSessions.userId, user.id),
          ne(userSessions.id, user.sessionId),
          isNull(userSessions.revokedAt),
          input.sessionId ? eq(userSessions.id, input.sessionId) : undefined,
        ),
      )
      .returning({ id: userSessions.id });
    if (input.sessionId && ended.length === 0) throw new DomainError("NOT_FOUND", "No such session of yours");
    if (ended.length) {
      await publishAccessChange(tx, [user.id]);
      await appendLedger(tx, {
        type: "auth.sessions_signed_out",
        actor: { id: user.id, name: user.name },
        subjects: [user.id, ...ended.map((s) => s.id)],
        payload: { count: ended.length },
        request,
      });
    }
    return ended.length;
  });
}
