import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { userRoles, users, userSessions, type Role } from "@/db/schema";
import { DomainError } from "../errors";
import type { SessionUser } from "../auth/sessions";
import { freshSecondFactor } from "../auth/second-factor";
import { appendLedger } from "../ledger/append";
import { publishAccessChange } from "../realtime/live";
import type { RequestMeta } from "../request-meta";
import { issueInvitation } from "./invitations";
import { applyRoles, checkRolesFor } from "./roles";

export type UserSummary = {
  id: string;
  email: string;
  name: string;
  clearance: number;
  team: string | null;
  roles: Role[];
  disabled: boolean;
  serviceAccount: boolean;
  /** Linked to a single sign-on identity: roles follow the identity provider's groups. */
  sso: boolean;
  hasPassword: boolean;
  /** Has a second factor set up (an admin can reset it when lost). */
  secondFactor: boolean;
};

export async function listUsers(db: DbOrTx): Promise<UserSummary[]> {
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      clearance: users.clearance,
      team: users.team,
      disabledAt: users.disabledAt,
      serviceAccount: users.serviceAccount,
      sso: sql<boolean>`${users.oidcSubject} is not null`,
      hasPassword: sql<boolean>`${users.passwordHash} is not null`,
      secondFactor: sql<boolean>`${users.totpEnabledAt} is not null`,
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
  db: Db,
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
    await publishAccessChange(tx, [input.userId]);
    if (input.disabled) {
      await tx
        .update(userSessions)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(userSessions.userId, input.userId), isNull(userSessions.revokedAt)));
    }
  });
}

/**
 * Words that name a function or a group rather than a person. A person's account whose
 * address is made only of these (admin@, soc-team@, no-reply@) is refused: an account is one
 * person. Systems get a service account instead.
 */
const GENERIC_WORDS = new Set(
  (
    "admin administrator root soc security secops sec team info support helpdesk help desk noreply no " +
    "reply shared office contact ops it alerts alert all group staff test service svc mail postmaster"
  ).split(" "),
);

export function isGenericAddress(email: string): boolean {
  const local = (email.split("@")[0] ?? "").split("+")[0] ?? "";
  const words = local.split(/[._-]+/).filter(Boolean);
  return words.length > 0 && words.every((w) => GENERIC_WORDS.has(w));
}

export type NewUser = {
  name: string;
  email: string;
  roles: Role[];
  clearance: number;
  serviceAccount: boolean;
  secondFactorCode?: string;
};

/**
 * Creates an account and, where people sign in with passwords, a one-time invitation whose
 * token is returned once (for the admin to pass on) and stored only as a hash.
 */
export async function createUser(
  db: Db,
  actor: SessionUser,
  input: NewUser,
  request: RequestMeta | null = null,
  options: { invite: boolean } = { invite: true },
): Promise<{ userId: string; invitation: { token: string; expiresAt: Date } | null }> {
  const email = input.email.trim().toLowerCase();
  if (!input.serviceAccount && isGenericAddress(email)) {
    throw new DomainError(
      "BAD_REQUEST",
      "This looks like a shared address; an account is one person (mark it as a service account if a system uses it)",
      { field: "email" },
    );
  }
  checkRolesFor(input, input.roles);
  await freshSecondFactor(db, actor, input.secondFactorCode, "Admin changes", request);
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({
        email,
        name: input.name.trim(),
        clearance: input.clearance,
        serviceAccount: input.serviceAccount,
      })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id, email: users.email, serviceAccount: users.serviceAccount });
    if (!user)
      throw new DomainError("BAD_REQUEST", "Someone already has this email address", { field: "email" });
    const by = { id: actor.id, name: actor.name };
    await appendLedger(tx, {
      type: "admin.user.created",
      actor: by,
      subjects: [user.id],
      payload: {
        email,
        name: input.name.trim(),
        clearance: input.clearance,
        serviceAccount: input.serviceAccount,
      },
      request,
    });
    await applyRoles(tx, { user, roles: input.roles, actor: by, source: "admin", request });
    const invitation = options.invite ? await issueInvitation(tx, by, user, request) : null;
    return { userId: user.id, invitation };
  });
}

/** Roles, clearance and team; an admin cannot take their own admin role away. */
export async function updateUser(
  db: Db,
  actor: SessionUser,
  input: {
    userId: string;
    roles?: Role[];
    clearance?: number;
    team?: string | null;
    secondFactorCode?: string;
  },
  request: RequestMeta | null = null,
): Promise<void> {
  if (input.userId === actor.id && input.roles && !input.roles.includes("admin")) {
    throw new DomainError("BAD_REQUEST", "You cannot remove your own admin role", { field: "roles" });
  }
  await freshSecondFactor(db, actor, input.secondFactorCode, "Admin changes", request);
  await db.transaction(async (tx) => {
    const [user] = await tx
      .select({
        id: users.id,
        email: users.email,
        clearance: users.clearance,
        team: users.team,
        serviceAccount: users.serviceAccount,
      })
      .from(users)
      .where(eq(users.id, input.userId))
      .for("update");
    if (!user) throw new DomainError("NOT_FOUND", "No such user", { field: "userId" });
    const by = { id: actor.id, name: actor.name };
    if (input.roles) await applyRoles(tx, { user, roles: input.roles, actor: by, source: "admin", request });
    if (input.clearance !== undefined && input.clearance !== user.clearance) {
      await tx.update(users).set({ clearance: input.clearance }).where(eq(users.id, user.id));
      await appendLedger(tx, {
        type: "user.clearance_changed",
        actor: by,
        subjects: [user.id],
        payload: { email: user.email, from: user.clearance, to: input.clearance, source: "admin" },
        request,
      });
    }
    const team = input.team === undefined ? undefined : input.team?.trim() || null;
    if (team !== undefined && team !== user.team) {
      await tx.update(users).set({ team }).where(eq(users.id, user.id));
      await appendLedger(tx, {
        type: "user.team_changed",
        actor: by,
        subjects: [user.id],
        payload: { email: user.email, from: user.team, to: team },
        request,
      });
    }
  });
}

/** A new invitation link for an existing person (the old one expired or was lost); older links stop working. */
export async function reinviteUser(
  db: Db,
  actor: SessionUser,
  input: { userId: string; secondFactorCode?: string },
  request: RequestMeta | null = null,
): Promise<{ token: string; expiresAt: Date }> {
  await freshSecondFactor(db, actor, input.secondFactorCode, "Admin changes", request);
  return db.transaction(async (tx) => {
    const [user] = await tx
      .select({
        id: users.id,
        email: users.email,
        disabledAt: users.disabledAt,
        serviceAccount: users.serviceAccount,
      })
      .from(users)
      .where(eq(users.id, input.userId))
      .for("update");
    if (!user) throw new DomainError("NOT_FOUND", "No such user", { field: "userId" });
    if (user.disabledAt)
      throw new DomainError("BAD_REQUEST", "Enable the account first", { field: "userId" });
    return issueInvitation(tx, { id: actor.id, name: actor.name }, user, request);
  });
}
