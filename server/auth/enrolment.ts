/**
 * Setting up or replacing the second factor. Both need sudo mode (the password or a fresh single
 * sign-on, plus the current factor where one exists), so a stolen session alone cannot take the
 * account over. Enrolling is not a step-up. A replacement ends the person's other sessions and
 * leaves a notice for their next sign-in.
 */
import { randomBytes } from "node:crypto";
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import { Secret } from "otpauth";
import QRCode from "qrcode";
import type { Db } from "@/db/client";
import { recoveryCodes, securityNotices, users, userSessions } from "@/db/schema";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import { acceptedStep, hashCode, RECOVERY_CODES, totp } from "./second-factor";
import type { SessionUser } from "./sessions";
import { endSudo, requireSudo, type SudoProof } from "./sudo";

const WHAT = "changing your second factor";

/** Starts enrolment (in sudo mode): a new secret, shown once as a QR code and as text, confirmed by a code. */
export async function beginEnrolment(
  db: Db,
  user: SessionUser,
  proof: SudoProof,
  request: RequestMeta | null = null,
) {
  await requireSudo(db, user, proof, WHAT, request);
  const secret = new Secret({ size: 20 }).base32;
  await db.update(users).set({ totpPendingSecret: secret }).where(eq(users.id, user.id));
  const uri = totp(secret, user.email).toString();
  return { secret, uri, qrSvg: await QRCode.toString(uri, { type: "svg", margin: 1 }) };
}

const newRecoveryCode = () => {
  const raw = randomBytes(5).toString("hex");
  return `${raw.slice(0, 5)}-${raw.slice(5)}`;
};

/** Confirms the pending secret with a code from it; the session must still be in sudo mode. */
export async function confirmEnrolment(
  db: Db,
  user: SessionUser,
  code: string,
  request: RequestMeta | null = null,
): Promise<{ recoveryCodes: string[] }> {
  await requireSudo(db, user, {}, WHAT, request);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ pending: users.totpPendingSecret, enabledAt: users.totpEnabledAt })
      .from(users)
      .where(eq(users.id, user.id))
      .for("update");
    if (!row?.pending) throw new DomainError("CONFLICT", "Start the set-up again");
    const step = acceptedStep(row.pending, user.email, code.trim(), Date.now());
    if (step === null)
      throw new DomainError("BAD_REQUEST", "That code is not right; check the time on your device", {
        field: "code",
      });
    const replaced = row.enabledAt !== null;
    await tx
      .update(users)
      .set({
        totpSecret: row.pending,
        totpPendingSecret: null,
        totpEnabledAt: sql`now()`,
        totpLastStep: step,
        secondFactorResetAt: null,
      })
      .where(eq(users.id, user.id));
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    await tx.insert(recoveryCodes).values(codes.map((c) => ({ userId: user.id, codeHash: hashCode(c) })));
    // Whoever held another session of this person holds nothing now.
    const ended = await tx
      .update(userSessions)
      .set({ revokedAt: sql`now()` })
      .where(
        and(
          eq(userSessions.userId, user.id),
          ne(userSessions.id, user.sessionId),
          isNull(userSessions.revokedAt),
        ),
      )
      .returning({ id: userSessions.id });
    await endSudo(tx, user);
    if (replaced) {
      await tx.insert(securityNotices).values({
        userId: user.id,
        kind: "second_factor_changed",
        ip: request?.ip ?? null,
        userAgent: request?.userAgent?.slice(0, 500) ?? null,
      });
    }
    await appendLedger(tx, {
      type: "auth.second_factor_enrolled",
      actor: { id: user.id, name: user.name },
      subjects: [user.id, ...ended.map((s) => s.id)],
      payload: { method: "totp", recoveryCodes: RECOVERY_CODES, replaced, sessionsEnded: ended.length },
      request,
    });
    return { recoveryCodes: codes };
  });
}
