/**
 * Which Casefile person a chat user is. An unknown chat user who presses a button gets a
 * one-time code (15 minutes) as a link into Casefile; the link counts once the person,
 * signed in there, confirms it. Only a SHA-256 of the code is stored.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNotNull, isNull, ne, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { chatLinks, userRoles, users } from "@/db/schema";
import type { SessionUser } from "../../auth/sessions";
import { actorOf } from "../../cases/access";
import { DomainError } from "../../errors";
import { appendLedger } from "../../ledger/append";
import type { RequestMeta } from "../../request-meta";

const CODE_MINUTES = 15;
const hashOf = (code: string) => createHash("sha256").update(code.trim()).digest("hex");

export type ChatIdentity = { teamId: string; chatUserId: string; chatUserName: string };

/** A new one-time code for this chat user; returns the code to show them. */
export async function offerLink(db: DbOrTx, who: ChatIdentity): Promise<string> {
  const code = randomBytes(12).toString("base64url");
  await db.insert(chatLinks).values({
    ...who,
    chatUserName: who.chatUserName.slice(0, 100),
    codeHash: hashOf(code),
    codeExpiresAt: sql`now() + make_interval(mins => ${CODE_MINUTES})`,
  });
  return code;
}

export async function confirmLink(
  db: Db,
  user: SessionUser,
  code: string,
  request: RequestMeta | null = null,
): Promise<{ chatUserName: string }> {
  return db.transaction(async (tx) => {
    const [link] = await tx
      .select()
      .from(chatLinks)
      .where(
        and(
          eq(chatLinks.codeHash, hashOf(code)),
          isNull(chatLinks.confirmedAt),
          gt(chatLinks.codeExpiresAt, sql`now()`),
        ),
      )
      .for("update");
    if (!link)
      throw new DomainError(
        "BAD_REQUEST",
        "This code is unknown, used or expired; press the button in chat again",
        {
          field: "code",
        },
      );
    // A chat user is one person: an earlier link of the same chat account gives way.
    await tx
      .delete(chatLinks)
      .where(
        and(
          eq(chatLinks.teamId, link.teamId),
          eq(chatLinks.chatUserId, link.chatUserId),
          ne(chatLinks.id, link.id),
        ),
      );
    await tx
      .update(chatLinks)
      .set({ userId: user.id, confirmedAt: sql`now()` })
      .where(eq(chatLinks.id, link.id));
    await appendLedger(tx, {
      type: "chat.link_confirmed",
      actor: actorOf(user),
      subjects: [user.id, link.id],
      payload: { teamId: link.teamId, chatUserId: link.chatUserId, chatUserName: link.chatUserName },
      request,
    });
    return { chatUserName: link.chatUserName };
  });
}

export async function myLinks(db: DbOrTx, user: SessionUser) {
  return db
    .select({
      id: chatLinks.id,
      teamId: chatLinks.teamId,
      chatUserId: chatLinks.chatUserId,
      chatUserName: chatLinks.chatUserName,
      confirmedAt: chatLinks.confirmedAt,
    })
    .from(chatLinks)
    .where(and(eq(chatLinks.userId, user.id), isNotNull(chatLinks.confirmedAt)));
}

export async function unlink(db: Db, user: SessionUser, id: string, request: RequestMeta | null = null) {
  await db.transaction(async (tx) => {
    const [gone] = await tx
      .delete(chatLinks)
      .where(and(eq(chatLinks.id, id), eq(chatLinks.userId, user.id)))
      .returning();
    if (!gone) throw new DomainError("NOT_FOUND", "No such chat link of yours");
    await appendLedger(tx, {
      type: "chat.link_removed",
      actor: actorOf(user),
      subjects: [user.id, gone.id],
      payload: { teamId: gone.teamId, chatUserId: gone.chatUserId },
      request,
    });
  });
}

/** The Casefile person a confirmed chat user acts as (enabled accounts only), without a browser session. */
export async function personForChat(
  db: DbOrTx,
  teamId: string,
  chatUserId: string,
): Promise<SessionUser | null> {
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      clearance: users.clearance,
      totpEnabledAt: users.totpEnabledAt,
      secondFactorResetAt: users.secondFactorResetAt,
      serviceAccount: users.serviceAccount,
      role: userRoles.role,
    })
    .from(chatLinks)
    .innerJoin(users, and(eq(users.id, chatLinks.userId), isNull(users.disabledAt)))
    .leftJoin(userRoles, eq(userRoles.userId, users.id))
    .where(
      and(
        eq(chatLinks.teamId, teamId),
        eq(chatLinks.chatUserId, chatUserId),
        isNotNull(chatLinks.confirmedAt),
      ),
    );
  const first = rows[0];
  if (!first) return null;
  return {
    id: first.id,
    email: first.email,
    name: first.name,
    clearance: first.clearance,
    roles: rows.flatMap((r) => (r.role ? [r.role] : [])),
    // No browser session: a chat press never counts as a second factor (high risk opens Casefile).
    sessionId: "00000000-0000-0000-0000-000000000000",
    secondFactorEnrolled: first.totpEnabledAt !== null,
    secondFactorReset: first.secondFactorResetAt !== null,
    serviceAccount: first.serviceAccount,
  };
}
