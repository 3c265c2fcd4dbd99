/**
 * Single sign-on with a generic OpenID Connect provider: the ID token's claims (already
 * verified by next-auth's OIDC client: signature, issuer, audience, nonce) become a Casefile
 * session. Roles, and clearance when mapped, follow the person's groups at every sign-in.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { users, userSessions, type Role } from "@/db/schema";
import { applyRoles } from "../admin/roles";
import { env } from "../env";
import { appendLedger } from "../ledger/append";
import { recordEvent } from "../ledger/record-event";
import { readClaims } from "./oidc-claims";
import type { RequestMeta } from "../request-meta";
import { attemptFailed, attemptSucceeded, beginAttempt } from "./lockout";
import { useSecondFactor } from "./second-factor";
import { loadPendingSession, openSession } from "./sessions";

export type OidcSettings = {
  groupsClaim: string;
  groupRoles: readonly (readonly [string, Role])[];
  groupClearance: readonly (readonly [string, number])[];
};

/** The provider as configured by the environment, or null when single sign-on is off. */
export function oidcConfig() {
  const e = env();
  if (!e.CASEFILE_OIDC_ISSUER || !e.CASEFILE_OIDC_CLIENT_ID || !e.CASEFILE_OIDC_CLIENT_SECRET) return null;
  return {
    issuer: e.CASEFILE_OIDC_ISSUER,
    clientId: e.CASEFILE_OIDC_CLIENT_ID,
    clientSecret: e.CASEFILE_OIDC_CLIENT_SECRET,
    name: e.CASEFILE_OIDC_NAME,
    scope: e.CASEFILE_OIDC_SCOPE,
    settings: {
      groupsClaim: e.CASEFILE_OIDC_GROUPS_CLAIM,
      groupRoles: e.CASEFILE_OIDC_GROUP_ROLES,
      groupClearance: e.CASEFILE_OIDC_GROUP_CLEARANCE,
    } satisfies OidcSettings,
  };
}

/** `amr` values (RFC 8176) that mean the identity provider itself checked more than a password. */
const MFA_AMR = ["mfa", "otp", "hwk"];

export type OidcRefusal =
  | "disabled"
  | "no_role"
  | "email_unverified"
  | "email_unusable"
  | "identity_conflict"
  | "bad_claims"
  | "claims_too_large";

export type OidcSignInResult =
  | { ok: true; userId: string; sessionId: string; secondFactorPending: boolean }
  | { ok: false; reason: OidcRefusal };

/** What the groups give: roles (sorted, distinct) and, when a clearance mapping exists, a clearance. */
export function mapGroups(settings: OidcSettings, groups: readonly string[]) {
  const roles = [
    ...new Set(settings.groupRoles.filter(([g]) => groups.includes(g)).map(([, r]) => r)),
  ].sort();
  const clearance = settings.groupClearance.length
    ? Math.max(1, ...settings.groupClearance.filter(([g]) => groups.includes(g)).map(([, c]) => c))
    : null;
  return { roles, clearance };
}

export async function signInWithOidc(
  db: Db,
  settings: OidcSettings,
  claims: Record<string, unknown>,
  request: RequestMeta | null,
): Promise<OidcSignInResult> {
  const read = readClaims(claims, settings.groupsClaim);
  if (!read.ok) {
    // Recorded by name and size only: an oversized claim's value goes nowhere.
    const { reason, claim, size } = read;
    await db.transaction((tx) =>
      appendLedger(tx, {
        type: "auth.sign_in_failed",
        actor: null,
        payload: { method: "oidc", reason, claim, size },
        request,
      }),
    );
    return { ok: false, reason };
  }
  const { issuer, subject, email, emailUnusable, emailVerified, name, groups, amr } = read.claims;
  const { roles, clearance } = mapGroups(settings, groups);
  const idpMfa = amr.some((a) => MFA_AMR.includes(a));

  return db.transaction(async (tx): Promise<OidcSignInResult> => {
    const refuse = async (reason: OidcRefusal, user: { id: string; name: string } | null) => {
      await appendLedger(tx, {
        type: "auth.sign_in_failed",
        actor: user,
        subjects: user ? [user.id] : [],
        payload: { method: "oidc", reason, issuer, subject, email, groups },
        request,
      });
      return { ok: false, reason } as const;
    };
    const found = await findOrLink(tx, { issuer, subject, email, verified: emailVerified }, request);
    if (found === "conflict") return refuse("identity_conflict", null);
    if (found === "unverified") return refuse("email_unverified", null);
    let user = found;
    if (!user) {
      // Just-in-time provisioning, only for someone the groups give a role to.
      if (!roles.length) return refuse("no_role", null);
      if (emailUnusable) return refuse("email_unusable", null);
      if (!email) return refuse("bad_claims", null);
      // Nobody gets an account for an address the provider has not verified: it could be squatted.
      if (!emailVerified) return refuse("email_unverified", null);
      const [created] = await tx
        .insert(users)
        .values({
          email,
          name: name ?? email,
          clearance: clearance ?? 1,
          oidcIssuer: issuer,
          oidcSubject: subject,
        })
        .returning();
      if (!created) throw new Error("user insert returned no row");
      user = created;
      await appendLedger(tx, {
        type: "user.provisioned",
        actor: { id: user.id, name: user.name },
        subjects: [user.id],
        payload: { email, source: "oidc", issuer, subject, clearance: user.clearance },
        request,
      });
    }
    const actor = { id: user.id, name: user.name };
    if (user.disabledAt) return refuse("disabled", actor);
    // Service accounts are systems; people sign in through the identity provider.
    if (user.serviceAccount) return refuse("identity_conflict", actor);

    await applyRoles(tx, { user, roles, actor, source: "oidc", request });
    if (clearance !== null && clearance !== user.clearance) {
      await tx.update(users).set({ clearance }).where(eq(users.id, user.id));
      await appendLedger(tx, {
        type: "user.clearance_changed",
        actor,
        subjects: [user.id],
        payload: { email: user.email, from: user.clearance, to: clearance, source: "oidc" },
        request,
      });
    }
    // Nobody in a mapped group: the roles are gone (recorded above) and there is nothing to open.
    if (!roles.length) return refuse("no_role", actor);

    // Enrolled in TOTP and the provider asserts no MFA: the session waits for the code.
    const pending = user.totpEnabledAt !== null && !idpMfa;
    const sessionId = await openSession(
      tx,
      user.id,
      { ip: request?.ip, userAgent: request?.userAgent },
      idpMfa ? "idp-mfa" : null,
      pending,
      "sso",
    );
    await appendLedger(tx, {
      type: pending ? "auth.sign_in_awaiting_second_factor" : "auth.sign_in",
      actor,
      subjects: [user.id],
      payload: { method: idpMfa ? "oidc+idp-mfa" : "oidc", amr, groups, roles, sessionId },
      request,
    });
    return { ok: true, userId: user.id, sessionId, secondFactorPending: pending };
  });
}

/**
 * The account for this identity: already linked by issuer and subject; else an unlinked
 * account with the same, verified, email — linked now; else none (to be provisioned).
 */
async function findOrLink(
  tx: Tx,
  id: { issuer: string; subject: string; email: string | null; verified: boolean },
  request: RequestMeta | null,
) {
  const [linked] = await tx
    .select()
    .from(users)
    .where(and(eq(users.oidcIssuer, id.issuer), eq(users.oidcSubject, id.subject)))
    .for("update");
  if (linked) return linked;
  if (!id.email) return null;
  const [byEmail] = await tx.select().from(users).where(eq(users.email, id.email)).for("update");
  if (!byEmail) return null;
  // An unverified address proves nothing; an account linked to another identity stays with it.
  if (!id.verified) return "unverified" as const;
  if (byEmail.oidcSubject !== null) return "conflict" as const;
  // A disabled account is refused as it is, not linked on the way.
  if (byEmail.disabledAt) return byEmail;
  const [row] = await tx
    .update(users)
    .set({ oidcIssuer: id.issuer, oidcSubject: id.subject })
    .where(eq(users.id, byEmail.id))
    .returning();
  if (!row) throw new Error("user update returned no row");
  await appendLedger(tx, {
    type: "user.identity_linked",
    actor: { id: row.id, name: row.name },
    subjects: [row.id],
    payload: { email: row.email, issuer: id.issuer, subject: id.subject },
    request,
  });
  return row;
}

/**
 * Completes a single sign-on that waits for the TOTP (or recovery) code. A wrong code counts
 * towards lockout like a wrong password.
 */
export async function completeSecondFactor(
  db: Db,
  sessionId: string,
  code: string,
  request: RequestMeta | null,
): Promise<{ ok: true } | { ok: false; reason: "no_pending_sign_in" | "locked" | "invalid_code" }> {
  const pending = await loadPendingSession(db, sessionId);
  if (!pending) return { ok: false, reason: "no_pending_sign_in" };
  const actor = { id: pending.userId, name: pending.name };
  const started = await beginAttempt(db, { email: pending.email, ip: request?.ip, sessionId });
  if (!started.ok) return { ok: false, reason: "locked" };
  const done = await db.transaction(async (tx) => {
    const method = await useSecondFactor(tx, pending.userId, pending.email, code.slice(0, 64));
    if (!method) return false;
    await tx
      .update(userSessions)
      .set({ secondFactorPending: false, secondFactorAt: sql`now()`, secondFactorMethod: method })
      .where(eq(userSessions.id, sessionId));
    await attemptSucceeded(tx, started.attempt);
    await appendLedger(tx, {
      type: "auth.sign_in",
      actor,
      subjects: [pending.userId],
      payload: { method: `oidc+${method}`, sessionId },
      request,
    });
    return true;
  });
  if (done) return { ok: true };
  await recordEvent(db, {
    type: "auth.second_factor_failed",
    actor,
    subjects: [pending.userId],
    payload: { during: "sso-sign-in" },
    request,
  });
  await attemptFailed(db, started.attempt, actor, request);
  return { ok: false, reason: "invalid_code" };
}
