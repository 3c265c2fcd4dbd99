/**
 * Lockout: every guess — a password or a second-factor code, at sign-in, step-up or sudo mode —
 * is counted per account, per address and (for a signed-in session) per session. An attempt is
 * counted before it is checked: the count is read and the attempt written under a per-key
 * advisory lock in one transaction, so parallel attempts can never check more than the limit.
 * A success takes its own attempt back and ends the account's (and session's) run of failures.
 */
import { and, count, gt, inArray, max, sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { signInFailures } from "@/db/schema";
import { DomainError } from "../errors";
import { type LedgerActor } from "../ledger/append";
import { recordEvent } from "../ledger/record-event";
import type { LedgerEventType } from "../ledger/events";
import type { RequestMeta } from "../request-meta";

/**
 * Five wrong guesses for one account (or one session), or twenty from one address, within 15
 * minutes lock it for 15 minutes.
 */
export const LOCKOUT = { windowMinutes: 15, perAccount: 5, perSession: 5, perAddress: 20 } as const;

/** Advisory-lock class for attempt keys (the two-int lock space does not overlap the ledger's). */
const LOCK_CLASS = 7_411;

type Scope = "account" | "address" | "session";

export type AttemptSubject = { email: string; ip?: string | null; sessionId?: string | null };

const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
const keysOf = (s: AttemptSubject): { key: string; scope: Scope }[] => [
  { key: accountKey(s.email), scope: "account" },
  ...(s.ip ? [{ key: `ip:${s.ip}`, scope: "address" as const }] : []),
  ...(s.sessionId ? [{ key: `session:${s.sessionId}`, scope: "session" as const }] : []),
];
const LIMITS: Record<Scope, number> = {
  account: LOCKOUT.perAccount,
  address: LOCKOUT.perAddress,
  session: LOCKOUT.perSession,
};

export type Lockout = { locked: false } | { locked: true; scope: Scope; retryAfterSeconds: number };

/** Whether guessing is locked for this account, address or session now (by the database clock). */
export async function lockoutOf(db: DbOrTx, subject: AttemptSubject): Promise<Lockout> {
  const keys = keysOf(subject);
  const rows = await failureCounts(db, keys);
  for (const { key, scope } of keys) {
    const row = rows.find((r) => r.key === key);
    if (row && row.failures >= LIMITS[scope]) {
      return { locked: true, scope, retryAfterSeconds: Math.max(1, row.retryAfter) };
    }
  }
  return { locked: false };
}

function failureCounts(db: DbOrTx, keys: { key: string }[]) {
  return db
    .select({
      key: signInFailures.key,
      failures: count(),
      retryAfter: sql<number>`ceil(extract(epoch from (${max(signInFailures.at)} + make_interval(mins => ${LOCKOUT.windowMinutes}) - now())))::int`,
    })
    .from(signInFailures)
    .where(
      and(
        inArray(
          signInFailures.key,
          keys.map((k) => k.key),
        ),
        gt(signInFailures.at, sql`now() - make_interval(mins => ${LOCKOUT.windowMinutes})`),
      ),
    )
    .groupBy(signInFailures.key);
}

/**
 * An attempt counted as a failure until `succeeded` or `withdrawn` takes it back. `locksOut`:
 * the scope this attempt, if it fails, locks (it is the last one the limit allows).
 */
export type Attempt = { subject: AttemptSubject; ids: string[]; locksOut: Scope | null };

/**
 * Counts one guess before it is checked, or refuses it when a key is at its limit. The keys are
 * locked in a fixed order for the transaction, so concurrent attempts on the same account queue
 * here and each sees the others' counts.
 */
export async function beginAttempt(
  db: Db,
  subject: AttemptSubject,
): Promise<{ ok: true; attempt: Attempt } | { ok: false; lockout: Extract<Lockout, { locked: true }> }> {
  return db.transaction(async (tx) => {
    const keys = keysOf(subject)
      .map((k) => k.key)
      .sort();
    for (const key of keys) {
      await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${key}))`);
    }
    const lockout = await lockoutOf(tx, subject);
    if (lockout.locked) return { ok: false as const, lockout };
    const counts = await failureCounts(tx, keysOf(subject));
    const last = keysOf(subject).find(
      (k) => (counts.find((c) => c.key === k.key)?.failures ?? 0) + 1 >= LIMITS[k.scope],
    );
    const rows = await tx
      .insert(signInFailures)
      .values(keys.map((key) => ({ key })))
      .returning({ id: signInFailures.id });
    return {
      ok: true as const,
      attempt: { subject, ids: rows.map((r) => r.id), locksOut: last?.scope ?? null },
    };
  });
}

/** The guess was right: its own count goes, and so does the account's and session's run of failures. */
export async function attemptSucceeded(tx: Tx, attempt: Attempt): Promise<void> {
  const keys = keysOf(attempt.subject)
    .filter((k) => k.scope !== "address")
    .map((k) => k.key);
  await tx.delete(signInFailures).where(inArray(signInFailures.key, keys));
  await withdrawAttempt(tx, attempt);
}

/** The attempt was no guess after all (a right password waiting for its code): it does not count. */
export async function withdrawAttempt(tx: DbOrTx, attempt: Attempt): Promise<void> {
  if (attempt.ids.length) await tx.delete(signInFailures).where(inArray(signInFailures.id, attempt.ids));
}

/** The guess was wrong (it stays counted); when it was the last the limit allowed, the lockout starts, recorded. */
export async function attemptFailed(
  db: Db,
  attempt: Attempt,
  actor: LedgerActor,
  request: RequestMeta | null,
): Promise<void> {
  if (!attempt.locksOut) return;
  await recordEvent(db, {
    type: "auth.lockout_started",
    actor,
    subjects: actor ? [actor.id] : [],
    payload: {
      email: attempt.subject.email.trim().toLowerCase(),
      scope: attempt.locksOut,
      minutes: LOCKOUT.windowMinutes,
    },
    request,
  });
}

/** The message for a refused guess: what is locked and for how long. */
/**
 * A signed-in person's guess refused because a key is locked: the refusal is ledgered as `type`,
 * then thrown with when to try again, naming `field`.
 */
export async function refuseLocked(
  db: Db,
  person: { id: string; name: string },
  lockout: Extract<Lockout, { locked: true }>,
  refusal: {
    type: Extract<LedgerEventType, `${string}_locked`>;
    what: string;
    field: string;
    request: RequestMeta | null;
  },
): Promise<never> {
  await recordEvent(db, {
    type: refusal.type,
    actor: person,
    subjects: [person.id],
    payload: { scope: lockout.scope, retryAfterSeconds: lockout.retryAfterSeconds },
    request: refusal.request,
  });
  throw new DomainError("TOO_MANY_REQUESTS", lockoutMessage(lockout, refusal.what), { field: refusal.field });
}

export function lockoutMessage(lockout: Extract<Lockout, { locked: true }>, what: string): string {
  const minutes = Math.max(1, Math.ceil(lockout.retryAfterSeconds / 60));
  const whose =
    lockout.scope === "account"
      ? "this account"
      : lockout.scope === "session"
        ? "this session"
        : "this address";
  return `Too many wrong passwords or codes: ${what} is locked for ${whose} for ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}
