import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { userRoles, users, userSessions, type Role } from "@/db/schema";
import { timingDummyHash, verifyPassword } from "./password";

/** The signed-in person as every request sees them, loaded fresh from the database. */
export type SessionUser = {
  id: string;
  email: string;
  name: string;
  clearance: number;
  roles: Role[];
  sessionId: string;
  /** Has a confirmed second factor (TOTP). */
  secondFactorEnrolled: boolean;
  /** An admin reset the second factor: setting up a new one comes before anything else. */
  secondFactorReset: boolean;
  /** Used by a system, not a person: approves nothing. */
  serviceAccount: boolean;
};

export const SESSION_TTL_SECONDS = 8 * 60 * 60;
/** A session with no request for this long ends, whatever its expiry. */
export const SESSION_IDLE_MINUTES = 30;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type CredentialCheck =
  | { ok: true; user: { id: string; email: string; name: string } }
  | { ok: false; reason: "invalid" | "disabled" };

export async function checkCredentials(
  db: DbOrTx,
  email: string,
  password: string,
): Promise<CredentialCheck> {
  const [user] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      passwordHash: users.passwordHash,
      disabledAt: users.disabledAt,
    })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()));
  if (!user?.passwordHash) {
    await verifyPassword(await timingDummyHash(), password);
    return { ok: false, reason: "invalid" };
  }
  if (!(await verifyPassword(user.passwordHash, password))) return { ok: false, reason: "invalid" };
  // Only said after a correct password, so it reveals nothing to a guesser.
  if (user.disabledAt) return { ok: false, reason: "disabled" };
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}

export async function openSession(
  db: DbOrTx,
  userId: string,
  meta: { ip?: string | null; userAgent?: string | null } = {},
  secondFactor: string | null = null,
  secondFactorPending = false,
  signedInWith: "password" | "sso" = "password",
): Promise<string> {
  const [row] = await db
    .insert(userSessions)
    .values({
      userId,
      expiresAt: sql`now() + make_interval(secs => ${SESSION_TTL_SECONDS})`,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 500) ?? null,
      ...(secondFactor ? { secondFactorAt: sql`now()`, secondFactorMethod: secondFactor } : {}),
      secondFactorPending,
      signedInWith,
    })
    .returning({ id: userSessions.id });
  if (!row) throw new Error("session insert returned no row");
  return row.id;
}

/** Where a session is alive: not revoked, expired or idle too long (database clock), its user enabled. */
const live = (sessionId: string | ReturnType<typeof sql.placeholder>) =>
  and(
    eq(userSessions.id, sessionId),
    isNull(userSessions.revokedAt),
    gt(userSessions.expiresAt, sql`now()`),
    gt(userSessions.lastSeenAt, sql`now() - make_interval(mins => ${SESSION_IDLE_MINUTES})`),
    isNull(users.disabledAt),
  );

function buildSessionUserQuery(db: DbOrTx) {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      clearance: users.clearance,
      totpEnabledAt: users.totpEnabledAt,
      secondFactorResetAt: users.secondFactorResetAt,
      serviceAccount: users.serviceAccount,
      role: userRoles.role,
      seenLongAgo: sql<boolean>`${userSessions.lastSeenAt} < now() - interval '1 minute'`,
    })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .leftJoin(userRoles, eq(userRoles.userId, users.id))
    .where(and(live(sql.placeholder("sessionId")), eq(userSessions.secondFactorPending, false)))
    .prepare("session_user");
}

// Every request runs this read: its SQL is built once per database handle, not per request.
const sessionUserQueries = new WeakMap<DbOrTx, ReturnType<typeof buildSessionUserQuery>>();

function sessionUserQuery(db: DbOrTx) {
  let query = sessionUserQueries.get(db);
  if (!query) {
    query = buildSessionUserQuery(db);
    sessionUserQueries.set(db, query);
  }
  return query;
}

/**
 * Null unless the session is live (see `live`) and not waiting for its second factor. Marks the
 * session as seen (at most once a minute), unless `markSeen` is false: a check made on the
 * session's behalf (an open live stream) is no activity of the person's and keeps no session alive.
 */
export async function loadSessionUser(
  db: DbOrTx,
  sessionId: string,
  { markSeen = true }: { markSeen?: boolean } = {},
): Promise<SessionUser | null> {
  if (!UUID.test(sessionId)) return null;
  const rows = await sessionUserQuery(db).execute({ sessionId });
  const [first] = rows;
  if (!first) return null;
  // Only a session not marked for a minute is written to: most requests just read.
  if (first.seenLongAgo && markSeen) {
    await db
      .update(userSessions)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(userSessions.id, sessionId));
  }
  const roles = rows.flatMap((r) => (r.role ? [r.role] : [])).sort();
  return {
    id: first.id,
    email: first.email,
    name: first.name,
    clearance: first.clearance,
    roles,
    sessionId,
    secondFactorEnrolled: first.totpEnabledAt !== null,
    secondFactorReset: first.secondFactorResetAt !== null,
    serviceAccount: first.serviceAccount,
  };
}

/** A user acting outside a browser session (demo seeding, jobs): the same shape, no session behind it. */
export async function loadUserForSystem(db: DbOrTx, userId: string): Promise<SessionUser> {
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
    .from(users)
    .leftJoin(userRoles, eq(userRoles.userId, users.id))
    .where(eq(users.id, userId));
  const [first] = rows;
  if (!first) throw new Error(`no user ${userId}`);
  const roles = rows.flatMap((r) => (r.role ? [r.role] : [])).sort();
  return {
    id: first.id,
    email: first.email,
    name: first.name,
    clearance: first.clearance,
    roles,
    sessionId: "system",
    secondFactorEnrolled: first.totpEnabledAt !== null,
    secondFactorReset: first.secondFactorResetAt !== null,
    serviceAccount: first.serviceAccount,
  };
}

/** A live session opened by single sign-on that still waits for the TOTP code; else null. */
export async function loadPendingSession(
  db: DbOrTx,
  sessionId: string,
): Promise<{ userId: string; email: string; name: string } | null> {
  if (!UUID.test(sessionId)) return null;
  const [row] = await db
    .select({ userId: users.id, email: users.email, name: users.name })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(live(sessionId), eq(userSessions.secondFactorPending, true)));
  return row ?? null;
}

/** Revokes a live session; returns whose it was, or null when there was nothing to revoke. */
export async function revokeSession(
  db: DbOrTx,
  sessionId: string,
): Promise<{ user: { id: string; name: string } } | null> {
  if (!UUID.test(sessionId)) return null;
  const [row] = await db
    .update(userSessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt)))
    .returning({ userId: userSessions.userId });
  if (!row) return null;
  const [user] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(eq(users.id, row.userId));
  return user ? { user } : null;
}
