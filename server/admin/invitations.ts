/**
 * Invitations: a one-time link that lets a person an admin created choose their password.
 * Only the token's SHA-256 is stored; the link is shown once, to the admin. A new link for the
 * same person ends the older ones.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { userInvitations, users, userSessions } from "@/db/schema";
import { hashPassword } from "../auth/password";
import { passwordProblem } from "../auth/password-strength";
import { DomainError } from "../errors";
import { appendLedger, type LedgerActor } from "../ledger/append";
import type { RequestMeta } from "../request-meta";

export const INVITATION_HOURS = 72;
export { PASSWORD_MIN_LENGTH } from "../auth/password-strength";

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Inside the caller's transaction: the raw token is returned once and never stored. */
export async function issueInvitation(
  tx: Tx,
  actor: { id: string; name: string },
  user: { id: string; email: string },
  request: RequestMeta | null,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  await tx
    .update(userInvitations)
    .set({ expiresAt: sql`now()` })
    .where(and(eq(userInvitations.userId, user.id), isNull(userInvitations.usedAt)));
  const [row] = await tx
    .insert(userInvitations)
    .values({
      userId: user.id,
      tokenHash: hashToken(token),
      createdBy: actor.id,
      expiresAt: sql`now() + make_interval(hours => ${INVITATION_HOURS})`,
    })
    .returning({ id: userInvitations.id, expiresAt: userInvitations.expiresAt });
  if (!row) throw new Error("invitation insert returned no row");
  await appendLedger(tx, {
    type: "admin.user.invited",
    actor,
    subjects: [user.id],
    payload: { email: user.email, invitationId: row.id, expiresAt: row.expiresAt.toISOString() },
    request,
  });
  return { token, expiresAt: row.expiresAt };
}

const usable = (token: string) =>
  and(
    eq(userInvitations.tokenHash, hashToken(token)),
    isNull(userInvitations.usedAt),
    gt(userInvitations.expiresAt, sql`now()`),
    isNull(users.disabledAt),
  );

/** Whom a still-usable link is for (the page greets them), or null. */
export async function peekInvitation(
  db: DbOrTx,
  token: string,
): Promise<{ name: string; email: string } | null> {
  if (token.length > 100) return null;
  const [row] = await db
    .select({ name: users.name, email: users.email })
    .from(userInvitations)
    .innerJoin(users, eq(users.id, userInvitations.userId))
    .where(usable(token));
  return row ?? null;
}

/**
 * Sets the password and spends the link, in one transaction. The password must pass the
 * strength check (the reason is shown), and every session the person had ends: a re-issued
 * link is how an admin resets a password, and the old password's sessions must not outlive it.
 */
export async function acceptInvitation(
  db: Db,
  input: { token: string; password: string },
  request: RequestMeta | null,
): Promise<{ email: string }> {
  const gone = () =>
    new DomainError("NOT_FOUND", "This link has expired or was already used; ask for a new one", {
      field: "token",
    });
  const person = await peekInvitation(db, input.token);
  if (!person) throw gone();
  const problem = passwordProblem(input.password, person);
  if (problem) throw new DomainError("BAD_REQUEST", problem, { field: "password" });
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: userInvitations.id, userId: users.id, name: users.name, email: users.email })
      .from(userInvitations)
      .innerJoin(users, eq(users.id, userInvitations.userId))
      .where(usable(input.token))
      .for("update");
    if (!row) throw gone();
    await tx.update(users).set({ passwordHash }).where(eq(users.id, row.userId));
    await tx
      .update(userInvitations)
      .set({ usedAt: sql`now()` })
      .where(eq(userInvitations.id, row.id));
    const actor: LedgerActor = { id: row.userId, name: row.name };
    await appendLedger(tx, {
      type: "auth.invitation_accepted",
      actor,
      subjects: [row.userId],
      payload: { email: row.email, invitationId: row.id },
      request,
    });
    const ended = await tx
      .update(userSessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(userSessions.userId, row.userId), isNull(userSessions.revokedAt)))
      .returning({ id: userSessions.id });
    if (ended.length) {
      await appendLedger(tx, {
        type: "auth.sessions_signed_out",
        actor,
        subjects: [row.userId, ...ended.map((s) => s.id)],
        payload: { count: ended.length, reason: "password_set" },
        request,
      });
    }
    return { email: row.email };
  });
}
