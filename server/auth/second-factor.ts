/**
 * The second factor: TOTP (RFC 6238, 30-second steps, 6 digits, SHA-1 as authenticator
 * apps expect) with one-time recovery codes, and step-up — proof within the last five
 * minutes — for high-risk decisions. Every code is good once: the last accepted time
 * step is kept, and recovery codes are marked used.
 */
import { createHash } from "node:crypto";
import { and, count, eq, isNull, lt, or, sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { recoveryCodes, users, userSessions } from "@/db/schema";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import { recordEvent } from "../ledger/record-event";
import type { RequestMeta } from "../request-meta";
import { attemptFailed, attemptSucceeded, beginAttempt, refuseLocked } from "./lockout";
import type { SessionUser } from "./sessions";

export const STEP_UP_MINUTES = 5;
const ISSUER = "Casefile";
export const RECOVERY_CODES = 10;

export const totp = (secret: string, label: string) =>
  new TOTP({
    issuer: ISSUER,
    label,
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secret),
  });

export const hashCode = (code: string) =>
  createHash("sha256").update(code.replace(/[\s-]/g, "").toLowerCase()).digest("hex");

/** The time step `code` is valid for, now, or null. */
export function acceptedStep(secret: string, label: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret, label).validate({ token: code, timestamp: nowMs, window: 1 });
  return delta === null ? null : Math.floor(nowMs / 30_000) + delta;
}

export async function secondFactorStatus(db: DbOrTx, userId: string) {
  const [row] = await db.select({ enabledAt: users.totpEnabledAt }).from(users).where(eq(users.id, userId));
  const [left] = await db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return { enabled: Boolean(row?.enabledAt), enabledAt: row?.enabledAt ?? null, recoveryLeft: left?.n ?? 0 };
}

/**
 * Checks a TOTP or recovery code for the user and uses it up. Returns the method, or null
 * for a wrong, replayed or spent code. Runs in the caller's transaction.
 */
export async function useSecondFactor(
  tx: Tx,
  userId: string,
  email: string,
  code: string,
): Promise<"totp" | "recovery" | null> {
  const input = code.trim();
  const [row] = await tx.select({ secret: users.totpSecret }).from(users).where(eq(users.id, userId));
  if (!row?.secret) return null;
  const step = acceptedStep(row.secret, email, input, Date.now());
  if (step !== null) {
    // Conditional on a later step than any accepted before: a replayed code changes no row.
    const [ok] = await tx
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
      .returning({ id: users.id });
    return ok ? "totp" : null;
  }
  const [spent] = await tx
    .update(recoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, hashCode(input)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  return spent ? "recovery" : null;
}

/**
 * Step-up: proves the second factor now, for this session. Each try is counted before the code
 * is checked (per account, address and session), so a locked account is locked for step-up too.
 */
export async function stepUp(
  db: Db,
  user: SessionUser,
  code: string,
  request: RequestMeta | null = null,
): Promise<{ method: "totp" | "recovery" }> {
  const actor = { id: user.id, name: user.name };
  const started = await beginAttempt(db, { email: user.email, ip: request?.ip, sessionId: user.sessionId });
  if (!started.ok) {
    return refuseLocked(db, actor, started.lockout, {
      type: "auth.step_up_locked",
      what: "confirming with a code",
      field: "secondFactorCode",
      request,
    });
  }
  const method = await db.transaction(async (tx) => {
    const used = await useSecondFactor(tx, user.id, user.email, code.slice(0, 64));
    if (used) {
      await attemptSucceeded(tx, started.attempt);
      await tx
        .update(userSessions)
        .set({ secondFactorAt: sql`now()`, secondFactorMethod: used })
        .where(eq(userSessions.id, user.sessionId));
      await appendLedger(tx, {
        type: "auth.step_up",
        actor,
        subjects: [user.id],
        payload: { method: used, sessionId: user.sessionId },
        request,
      });
    }
    return used;
  });
  if (!method) {
    // The attempt stays counted.
    await recordEvent(db, {
      type: "auth.second_factor_failed",
      actor,
      subjects: [user.id],
      payload: { during: "step-up" },
      request,
    });
    await attemptFailed(db, started.attempt, actor, request);
    throw new DomainError("BAD_REQUEST", "That code is not right, or was already used", {
      field: "secondFactorCode",
    });
  }
  return { method };
}

/**
 * For steps that need a fresh second factor: steps up with `code` when one is given,
 * then returns the proof (or refuses clearly). The code is checked in its own
 * transaction, so a code spent on a step that then fails is still spent.
 */
export async function freshSecondFactor(
  db: Db,
  user: SessionUser,
  code: string | undefined,
  what: string,
  request: RequestMeta | null = null,
): Promise<{ at: Date; method: string }> {
  if (code?.trim()) await stepUp(db, user, code, request);
  return requireFreshSecondFactor(db, user, what);
}

/** When and how this session proved the second factor within the last five minutes; else a clear refusal. */
export async function requireFreshSecondFactor(
  tx: DbOrTx,
  user: SessionUser,
  what = "High-risk approvals",
): Promise<{ at: Date; method: string }> {
  const [row] = await tx
    .select({
      at: userSessions.secondFactorAt,
      method: userSessions.secondFactorMethod,
      enrolled: users.totpEnabledAt,
    })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(
      and(
        eq(userSessions.id, user.sessionId),
        sql`${userSessions.secondFactorAt} > now() - make_interval(mins => ${STEP_UP_MINUTES})`,
      ),
    );
  if (row?.at && row.method) return { at: row.at, method: row.method };
  const status = await secondFactorStatus(tx, user.id);
  throw new DomainError(
    "PRECONDITION_FAILED",
    status.enabled
      ? `Confirm with your authenticator code: ${what.toLowerCase()} need a second factor from the last ${STEP_UP_MINUTES} minutes`
      : `${what} need a second factor: set one up under Your account first`,
    { field: "secondFactorCode" },
  );
}

/** Whether policy (or an admin's reset) keeps this user from everything but setting up a second factor. */
export function mustEnrolFirst(
  user: Pick<SessionUser, "roles" | "secondFactorEnrolled" | "secondFactorReset">,
  requiredFor: readonly string[],
): boolean {
  if (user.secondFactorEnrolled) return false;
  return user.secondFactorReset || user.roles.some((r) => requiredFor.includes(r));
}
