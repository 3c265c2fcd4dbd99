/**
 * Sudo mode: sensitive changes to one's own account (setting up or replacing the second factor,
 * creating tokens, changing one's own access) need recent re-authentication in this session —
 * the password, or a single sign-on from the last few minutes, plus a code from the current
 * second factor where one exists. Each try counts towards the lockout like a sign-in. Sudo mode
 * is not a step-up: it never satisfies the fresh-second-factor check of approvals or admin changes.
 */
import { eq, sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { users, userSessions } from "@/db/schema";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import { recordEvent } from "../ledger/record-event";
import type { RequestMeta } from "../request-meta";
import { attemptFailed, attemptSucceeded, beginAttempt, refuseLocked, withdrawAttempt } from "./lockout";
import { verifyPassword } from "./password";
import { useSecondFactor } from "./second-factor";
import type { SessionUser } from "./sessions";

/** How long a re-authentication (or a single sign-on) keeps the session in sudo mode. */
export const SUDO_MINUTES = 10;

/** What the person gives to confirm it is them. */
export type SudoProof = { password?: string; currentCode?: string };

/** What this session would be asked for now; `active` when it is already in sudo mode. */
export type SudoState = { active: boolean; password: boolean; code: boolean; ssoOnly: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const within = (column: typeof userSessions.sudoAt | typeof userSessions.createdAt) =>
  sql<boolean>`coalesce(${column} > now() - make_interval(mins => ${SUDO_MINUTES}), false)`;

export async function sudoState(db: DbOrTx, user: SessionUser): Promise<SudoState> {
  if (!UUID.test(user.sessionId)) {
    throw new DomainError("FORBIDDEN", "Only a person signed in can make this change");
  }
  const [row] = await db
    .select({
      active: within(userSessions.sudoAt),
      freshSso: sql<boolean>`${userSessions.signedInWith} = 'sso' and ${within(userSessions.createdAt)}`,
      passwordHash: users.passwordHash,
      enrolled: sql<boolean>`${users.totpEnabledAt} is not null`,
    })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(eq(userSessions.id, user.sessionId));
  if (!row) throw new DomainError("FORBIDDEN", "Only a person signed in can make this change");
  return {
    active: row.active,
    password: !row.freshSso,
    code: row.enrolled,
    ssoOnly: row.passwordHash === null,
  };
}

const refuse = (field: "password" | "currentCode", message: string) =>
  new DomainError("PRECONDITION_FAILED", message, { field });

/**
 * Passes when this session is in sudo mode or `proof` re-authenticates it now (which then opens
 * sudo mode for SUDO_MINUTES); otherwise refuses with the field the person must fill in.
 */
export async function requireSudo(
  db: Db,
  user: SessionUser,
  proof: SudoProof,
  what: string,
  request: RequestMeta | null = null,
): Promise<void> {
  const password = proof.password ?? "";
  const code = proof.currentCode?.trim() ?? "";
  const state = await sudoState(db, user);
  if (state.active && !password && !code) return;
  if (state.password && state.ssoOnly) {
    throw refuse(
      "password",
      `${what} needs a fresh sign-in: sign out, sign in again with single sign-on, and do it within ${SUDO_MINUTES} minutes`,
    );
  }
  if (state.password && !password) throw refuse("password", `Confirm it’s you: ${what} needs your password`);
  const needCode = () =>
    refuse(
      "currentCode",
      `Confirm it’s you: ${what} needs a code from your current authenticator (or a recovery code)`,
    );
  if (!state.password && state.code && !code) throw needCode();

  const actor = { id: user.id, name: user.name };
  const failed = async (reason: "password" | "code") => {
    await recordEvent(db, {
      type: "auth.sudo_failed",
      actor,
      subjects: [user.id],
      payload: { reason, sessionId: user.sessionId },
      request,
    });
    if (started.ok) await attemptFailed(db, started.attempt, actor, request);
  };
  const started = await beginAttempt(db, { email: user.email, ip: request?.ip, sessionId: user.sessionId });
  if (!started.ok) {
    return refuseLocked(db, actor, started.lockout, {
      type: "auth.sudo_locked",
      what: "confirming it’s you",
      field: state.password ? "password" : "currentCode",
      request,
    });
  }
  if (state.password) {
    const [row] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id));
    if (!row?.hash || !(await verifyPassword(row.hash, password.slice(0, 1024)))) {
      await failed("password");
      throw new DomainError("BAD_REQUEST", "That password is not right", { field: "password" });
    }
    if (state.code && !code) {
      await withdrawAttempt(db, started.attempt);
      throw needCode();
    }
  }
  const ok = await db.transaction(async (tx) => {
    const method = state.code ? await useSecondFactor(tx, user.id, user.email, code.slice(0, 64)) : null;
    if (state.code && !method) return false;
    await attemptSucceeded(tx, started.attempt);
    await tx
      .update(userSessions)
      .set({ sudoAt: sql`now()` })
      .where(eq(userSessions.id, user.sessionId));
    await appendLedger(tx, {
      type: "auth.sudo",
      actor,
      subjects: [user.id],
      payload: {
        sessionId: user.sessionId,
        with: [state.password ? "password" : "sso", ...(method ? [method] : [])].join("+"),
      },
      request,
    });
    return true;
  });
  if (!ok) {
    await failed("code");
    throw new DomainError("BAD_REQUEST", "That code is not right, or was already used", {
      field: "currentCode",
    });
  }
}

/** Ends sudo mode for the session (after the change it allowed). */
export async function endSudo(tx: Tx, user: SessionUser): Promise<void> {
  await tx.update(userSessions).set({ sudoAt: null }).where(eq(userSessions.id, user.sessionId));
}
