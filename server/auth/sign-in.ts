import type { Db } from "@/db/client";
import { appendLedger } from "../ledger/append";
import { recordEvent } from "../ledger/record-event";
import { publishAccessChange } from "../realtime/live";
import { storable } from "../storable-text";
import type { RequestMeta } from "../request-meta";
import { attemptFailed, attemptSucceeded, beginAttempt, withdrawAttempt } from "./lockout";
import { secondFactorStatus, useSecondFactor } from "./second-factor";
import { checkCredentials, openSession, revokeSession } from "./sessions";

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string }; sessionId: string }
  | { ok: false; reason: "invalid" | "disabled" | "second_factor_required" | "invalid_code" }
  | { ok: false; reason: "locked"; retryAfterSeconds: number };

/** Password sign-in: opens a session and records the outcome, success or failure, in the ledger. */
export async function signInWithPassword(
  db: Db,
  input: { email: string; password: string; code?: string },
  request: RequestMeta | null,
): Promise<SignInResult> {
  // Text no column can hold matches no account and is counted under its replacement, never a 500.
  const email = storable(input.email.trim().toLowerCase().slice(0, 320));
  // Counted before the password is checked: a locked account or address is refused unchecked,
  // and parallel guesses queue for their turn, so no more than the limit are ever checked.
  const started = await beginAttempt(db, { email, ip: request?.ip });
  if (!started.ok) {
    await recordEvent(db, {
      type: "auth.sign_in_locked",
      actor: null,
      payload: { email, scope: started.lockout.scope, retryAfterSeconds: started.lockout.retryAfterSeconds },
      request,
    });
    return { ok: false, reason: "locked", retryAfterSeconds: started.lockout.retryAfterSeconds };
  }
  const { attempt } = started;
  const result = await checkCredentials(db, email, input.password);
  if (!result.ok) {
    await recordEvent(db, {
      type: "auth.sign_in_failed",
      actor: null,
      payload: { email, reason: result.reason },
      request,
    });
    await attemptFailed(db, attempt, null, request);
    return result;
  }
  const { user } = result;
  const enrolled = (await secondFactorStatus(db, user.id)).enabled;
  // The password was right; the second factor, once enrolled, is asked for every sign-in.
  if (enrolled && !input.code?.trim()) {
    await withdrawAttempt(db, attempt);
    return { ok: false, reason: "second_factor_required" };
  }
  const sessionId = await db.transaction(async (tx) => {
    const method = enrolled ? await useSecondFactor(tx, user.id, user.email, input.code ?? "") : null;
    if (enrolled && !method) return null;
    await attemptSucceeded(tx, attempt);
    const id = await openSession(tx, user.id, { ip: request?.ip, userAgent: request?.userAgent }, method);
    await appendLedger(tx, {
      type: "auth.sign_in",
      actor: { id: user.id, name: user.name },
      subjects: [user.id],
      payload: { method: method ? `password+${method}` : "password", sessionId: id },
      request,
    });
    return id;
  });
  if (!sessionId) {
    // The attempt stays counted: a wrong code is a guess like a wrong password.
    await recordEvent(db, {
      type: "auth.second_factor_failed",
      actor: { id: user.id, name: user.name },
      subjects: [user.id],
      payload: { during: "sign-in" },
      request,
    });
    await attemptFailed(db, attempt, { id: user.id, name: user.name }, request);
    return { ok: false, reason: "invalid_code" };
  }
  return { ok: true, user, sessionId };
}

export async function signOutSession(db: Db, sessionId: string, request: RequestMeta | null): Promise<void> {
  await db.transaction(async (tx) => {
    const session = await revokeSession(tx, sessionId);
    if (!session) return;
    await publishAccessChange(tx, [session.user.id]);
    await appendLedger(tx, {
      type: "auth.sign_out",
      actor: session.user,
      subjects: [session.user.id],
      payload: { sessionId },
      request,
    });
  });
}
