/**
 * An admin resets someone's lost second factor: the factor and its recovery codes go, every
 * session of the person ends, and they set up a new factor at their next sign-in before anything
 * else. Needs the admin's own fresh second factor; one's own factor is changed under Your account.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { recoveryCodes, securityNotices, users, userSessions } from "@/db/schema";
import { freshSecondFactor } from "../auth/second-factor";
import type { SessionUser } from "../auth/sessions";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";

export async function resetSecondFactor(
  db: Db,
  actor: SessionUser,
  input: { userId: string; secondFactorCode?: string },
  request: RequestMeta | null = null,
): Promise<{ sessionsEnded: number }> {
  if (input.userId === actor.id) {
    throw new DomainError("BAD_REQUEST", "Change your own second factor under Your account", {
      field: "userId",
    });
  }
  await freshSecondFactor(db, actor, input.secondFactorCode, "Admin changes", request);
  return db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id, email: users.email, enabledAt: users.totpEnabledAt })
      .from(users)
      .where(eq(users.id, input.userId))
      .for("update");
    if (!user) throw new DomainError("NOT_FOUND", "No such user", { field: "userId" });
    if (!user.enabledAt) {
      throw new DomainError("BAD_REQUEST", "This person has no second factor to reset", { field: "userId" });
    }
    await tx
      .update(users)
      .set({
        totpSecret: null,
        totpPendingSecret: null,
        totpEnabledAt: null,
        totpLastStep: null,
        secondFactorResetAt: sql`now()`,
      })
      .where(eq(users.id, user.id));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    const ended = await tx
      .update(userSessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(userSessions.userId, user.id), isNull(userSessions.revokedAt)))
      .returning({ id: userSessions.id });
    await tx.insert(securityNotices).values({
      userId: user.id,
      kind: "second_factor_reset",
      ip: request?.ip ?? null,
      userAgent: request?.userAgent?.slice(0, 500) ?? null,
      byName: actor.name,
    });
    await appendLedger(tx, {
      type: "admin.user.second_factor_reset",
      actor: { id: actor.id, name: actor.name },
      subjects: [user.id],
      payload: { email: user.email, sessionsEnded: ended.length },
      request,
    });
    return { sessionsEnded: ended.length };
  });
}
