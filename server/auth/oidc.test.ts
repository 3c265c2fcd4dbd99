import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { userRoles, users, userSessions } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { callerForSession } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { inboxEntries } from "../testing/ledger-inbox";
import { idTokenClaimsFor, TEST_REDIRECT_URI } from "../testing/oidc-flow";
import { startOidcProvider } from "../testing/oidc-provider";
import { totpCode } from "../testing/totp";
import { completeSecondFactor, mapGroups, signInWithOidc, type OidcSettings } from "./oidc";
import { beginEnrolment, confirmEnrolment } from "./enrolment";
import { loadSessionUser } from "./sessions";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const idp = await startOidcProvider({ port: 0, redirectUris: [TEST_REDIRECT_URI] });
afterAll(() => idp.stop());

const settings: OidcSettings = {
  groupsClaim: "groups",
  groupRoles: [
    ["soc-analysts", "investigator"],
    ["soc-leads", "approver"],
    ["grc", "compliance"],
  ],
  groupClearance: [
    ["soc-analysts", 2],
    ["soc-leads", 4],
  ],
};
const meta = { requestId: "oidc-test", ip: "192.0.2.10", userAgent: "vitest" };

async function signIn(login: string) {
  return signInWithOidc(t.db, settings, await idTokenClaimsFor(idp.issuer, login), meta);
}

async function rolesOf(email: string) {
  const rows = await t.db
    .select({ role: userRoles.role })
    .from(userRoles)
    .innerJoin(users, eq(users.id, userRoles.userId))
    .where(eq(users.email, email));
  return rows.map((r) => r.role).sort();
}

const entries = (type: string) => inboxEntries(t, type);

describe("single sign-on through a real OpenID Connect provider", () => {
  it("maps groups to roles and clearance", () => {
    expect(mapGroups(settings, ["soc-leads", "soc-analysts", "other"])).toEqual({
      roles: ["approver", "investigator"],
      clearance: 4,
    });
    expect(mapGroups(settings, ["grc"])).toEqual({ roles: ["compliance"], clearance: 1 });
  });

  it("provisions a new person just in time, with the mapped roles, and opens a session", async () => {
    const result = await signIn("alice");
    if (!result.ok) throw new Error(result.reason);
    expect(result.secondFactorPending).toBe(false);
    const [alice] = await t.db.select().from(users).where(eq(users.email, "alice@sso.example"));
    expect(alice).toMatchObject({
      name: "Alice Analyst",
      clearance: 2,
      oidcIssuer: idp.issuer,
      oidcSubject: "u-alice",
      passwordHash: null,
    });
    expect(await rolesOf("alice@sso.example")).toEqual(["investigator"]);
    const me = await (await callerForSession(t.db, result.sessionId)).me();
    expect(me).toMatchObject({ email: "alice@sso.example", roles: ["investigator"] });
    expect(await entries("user.provisioned")).toHaveLength(1);
    const [signedIn] = await entries("auth.sign_in");
    expect(signedIn?.payload).toMatchObject({ method: "oidc", sessionId: result.sessionId });
    // (The demo seed's role grants are ledgered too, with source "seed".)
    const granted = (await entries("user.role_granted")).map((e) => e.payload);
    expect(granted.filter((p) => p.source !== "seed")).toEqual([
      { email: "alice@sso.example", role: "investigator", source: "oidc" },
    ]);
  });

  it("sets roles from the groups at every sign-in: a role taken away at the provider is gone", async () => {
    const alice = idp.accounts.get("alice");
    if (!alice) throw new Error("no alice");
    alice.groups = ["soc-analysts", "grc"];
    expect((await signIn("alice")).ok).toBe(true);
    expect(await rolesOf("alice@sso.example")).toEqual(["compliance", "investigator"]);
    alice.groups = ["grc"];
    const result = await signIn("alice");
    if (!result.ok) throw new Error(result.reason);
    expect(await rolesOf("alice@sso.example")).toEqual(["compliance"]);
    const revoked = (await entries("user.role_revoked")).map((e) => e.payload);
    expect(revoked).toEqual([{ email: "alice@sso.example", role: "investigator", source: "oidc" }]);
    expect((await entries("user.clearance_changed")).at(-1)?.payload).toMatchObject({ from: 2, to: 1 });
    // Out of every mapped group: the roles go, and no session opens.
    alice.groups = [];
    expect(await signIn("alice")).toEqual({ ok: false, reason: "no_role" });
    expect(await rolesOf("alice@sso.example")).toEqual([]);
    alice.groups = ["soc-analysts"];
  });

  it("links an existing account by its verified email, once", async () => {
    const ines = idp.accounts.get("alice");
    if (!ines) throw new Error("no alice");
    idp.accounts.set("ines", {
      sub: "u-ines",
      email: "Ines.Ortega@casefile.demo",
      emailVerified: true,
      name: "Ines O.",
      groups: ["soc-analysts"],
      amr: ["pwd"],
    });
    const result = await signIn("ines");
    expect(result.ok).toBe(true);
    const [row] = await t.db.select().from(users).where(eq(users.email, "ines.ortega@casefile.demo"));
    expect(row).toMatchObject({ oidcSubject: "u-ines", name: "Ines Ortega" });
    expect(await entries("user.identity_linked")).toHaveLength(1);
    // Another identity claiming the same address does not take the account over.
    idp.accounts.set("imposter", {
      ...structuredClone(ines),
      sub: "u-imp",
      email: "ines.ortega@casefile.demo",
    });
    expect(await signIn("imposter")).toEqual({ ok: false, reason: "identity_conflict" });
  });

  it("does not link by an unverified email, and provisions nobody without a mapped group", async () => {
    idp.accounts.set("marcus", {
      sub: "u-marcus",
      email: "marcus.webb@casefile.demo",
      emailVerified: false,
      name: "Marcus",
      groups: ["soc-analysts"],
      amr: ["pwd"],
    });
    expect(await signIn("marcus")).toEqual({ ok: false, reason: "email_unverified" });
    expect(await signIn("nobody")).toEqual({ ok: false, reason: "no_role" });
    expect(await t.db.select().from(users).where(eq(users.email, "nobody@sso.example"))).toEqual([]);
    const failed = (await entries("auth.sign_in_failed")).map((e) => e.payload.reason);
    expect(failed).toEqual(expect.arrayContaining(["email_unverified", "no_role"]));
  });

  it("refuses a disabled person, and records it", async () => {
    await t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.email, "alice@sso.example"));
    const sessionsBefore = await t.db.$count(userSessions);
    expect(await signIn("alice")).toEqual({ ok: false, reason: "disabled" });
    expect(await t.db.$count(userSessions)).toBe(sessionsBefore);
    expect((await entries("auth.sign_in_failed")).at(-1)?.payload).toMatchObject({
      method: "oidc",
      reason: "disabled",
    });
    await t.db.update(users).set({ disabledAt: null }).where(eq(users.email, "alice@sso.example"));
  });

  it("keeps the TOTP second factor: without MFA from the provider the session waits for the code", async () => {
    const first = await signIn("alice");
    if (!first.ok) throw new Error(first.reason);
    const user = await loadSessionUser(t.db, first.sessionId);
    if (!user) throw new Error("no session");
    // A single sign-on from the last minutes stands in for the password in sudo mode.
    await beginEnrolment(t.db, user, {});
    const [row] = await t.db
      .select({ secret: users.totpPendingSecret })
      .from(users)
      .where(eq(users.id, user.id));
    const secret = row?.secret ?? "";
    await confirmEnrolment(t.db, user, totpCode(secret));

    const second = await signIn("alice");
    if (!second.ok) throw new Error(second.reason);
    expect(second.secondFactorPending).toBe(true);
    // The pending session is no session: every procedure treats it as signed out.
    expect(await loadSessionUser(t.db, second.sessionId)).toBeNull();
    await expect((await callerForSession(t.db, second.sessionId)).me()).rejects.toThrow(/Sign in/);
    expect(await completeSecondFactor(t.db, second.sessionId, "000000", meta)).toEqual({
      ok: false,
      reason: "invalid_code",
    });
    expect(await completeSecondFactor(t.db, second.sessionId, totpCode(secret, 1), meta)).toEqual({
      ok: true,
    });
    expect(await loadSessionUser(t.db, second.sessionId)).toMatchObject({ email: "alice@sso.example" });
    const [session] = await t.db
      .select()
      .from(userSessions)
      .where(and(eq(userSessions.id, second.sessionId)));
    expect(session).toMatchObject({ secondFactorPending: false, secondFactorMethod: "totp" });
    expect((await entries("auth.sign_in")).at(-1)?.payload).toMatchObject({ method: "oidc+totp" });
  });

  it("lets the provider's own MFA stand in for the code", async () => {
    const lee = await signIn("lee");
    if (!lee.ok) throw new Error(lee.reason);
    const user = await loadSessionUser(t.db, lee.sessionId);
    expect(user).toMatchObject({ roles: ["approver", "investigator"], clearance: 4 });
    if (!user) throw new Error("no session");
    await beginEnrolment(t.db, user, {});
    const [row] = await t.db.select({ s: users.totpPendingSecret }).from(users).where(eq(users.id, user.id));
    await confirmEnrolment(t.db, user, totpCode(row?.s ?? ""));
    const again = await signIn("lee");
    if (!again.ok) throw new Error(again.reason);
    expect(again.secondFactorPending).toBe(false);
    expect((await entries("auth.sign_in")).at(-1)?.payload).toMatchObject({
      method: "oidc+idp-mfa",
      amr: ["pwd", "mfa"],
    });
  });
});
