import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { userRoles, users, userSessions, type Role } from "@/db/schema";
import { DomainError } from "../errors";
import type { SessionUser } from "../auth/sessions";
import { freshSecondFactor } from "../auth/second-factor";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";

export type UserSummary = {
  id: string;
  email: string;
  name: string;
  clearance: number;
  roles: Role[];
  disabled: boolean;
};

export async function listUsers(db: Tx): Promise<UserSummary[]> {
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      clearance: users.clearance,
      disabledAt: users.disabledAt,
      roles: sql<
        Role[]
      >`coalesce(array_agg(${userRoles.role} order by ${userRoles.role}) filter (where ${userRoles.role} is not null), '{}')`,
    })
    .from(users)
    .leftJoin(userRoles, eq(userRoles.userId, users.id))
    .groupBy(users.id)
    .orderBy(asc(users.name));
  return rows.map(({ disabledAt, ...u }) => ({ ...u, disabled: disabledAt !== null }));
}

/** Disabling also revokes every open session, so re-enabling never revives an old one. */
export async function setUserDisabled(
  db: Tx,
  actor: SessionUser,
  input: { userId: string; disabled: boolean; secondFactorCode?: string },
  request: RequestMeta | null = null,
): Promise<void> {
  if (input.userId === actor.id && input.disabled) {
    throw new DomainError("BAD_REQUEST", "You cannot disable your own account", { field: "userId" });
  }
  await freshSecondFactor(db, actor, input.secondFactorCode, "Admin changes", request);
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ disabledAt: users.disabledAt, email: users.email })
      .from(users)
      .where(eq(users.id, input.userId))
      .for("update");
    if (!before) throw new DomainError("NOT_FOUND", "No such user", { field: "userId" });
    if ((before.disabledAt !== null) === input.disabled) return; // already so: nothing changes, nothing recorded
    await tx
      .update(users)
      .set({ disabledAt: input.disabled ? sql`now()` : null })
      .where(eq(users.id, input.userId));
    await appendLedger(tx, {
      type: input.disabled ? "admin.user.disabled" : "admin.user.enabled",
      actor: { id: actor.id, name: actor.name },
      subjects: [input.userId],
      payload: { email: before.email },
      request,
    });
    if (input.disabled) {
      await tx
        .update(userSessions)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(userSessions.userId, input.userId), isNull(userSessions.revokedAt)));
    }
  });
}
