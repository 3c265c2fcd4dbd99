import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "@/db/client";
import { users } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { testDatabase } from "../testing/db";
import { inboxEntries } from "../testing/ledger-inbox";
import { idTokenClaimsFor, TEST_REDIRECT_URI } from "../testing/oidc-flow";
import { defaultAccounts, startOidcProvider, type TestAccount } from "../testing/oidc-provider";
import { signInWithOidc, type OidcSettings } from "./oidc";
import { normaliseEmail } from "./oidc-claims";
import { safeRedirectUrl, safeReturnPath } from "./return-to";
import { ssoSignInOutcome } from "./sso-outcome";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const accounts = defaultAccounts();
const person = (login: string, account: Partial<TestAccount>) =>
  accounts.set(login, {
    sub: `u-${login}`,
    email: `${login}@sso.example`,
    emailVerified: true,
    name: login,
    groups: ["soc-analysts"],
    amr: ["pwd"],
    ...account,
  });
const idp = await startOidcProvider({ port: 0, redirectUris: [TEST_REDIRECT_URI], accounts });
afterAll(() => idp.stop());

const settings: OidcSettings = {
  groupsClaim: "groups",
  groupRoles: [["soc-analysts", "investigator"]],
  groupClearance: [],
};
const meta = { requestId: "oidc-edges", ip: "192.0.2.10", userAgent: "vitest" };
const claimsOf = (login: string) => idTokenClaimsFor(idp.issuer, login);
const signIn = async (login: string) => signInWithOidc(t.db, settings, await claimsOf(login), meta);
const userCount = async () => (await t.db.select({ n: sql<number>`count(*)::int` }).from(users))[0]?.n;

describe("return paths after sign-in", () => {
  it.each([
    "/\t/evil.example/",
    "/\r/evil.example/",
    "/\n/evil.example/",
    "/\t\t/evil.example",
    "//evil.example/",
    "/\\evil.example/",
    "/\u0000/evil.example",
  ])("refuses %j, which a browser reads as another site", (path) => {
    expect(safeReturnPath(path)).toBe("/");
  });

  it("keeps a path of this site, with its query", () => {
    expect(safeReturnPath("/cases/CASE-2026-0042?tab=timeline#e1")).toBe(
      "/cases/CASE-2026-0042?tab=timeline#e1",
    );
    expect(safeReturnPath("/approvals/%2F%2Fevil.example")).toBe("/approvals/%2F%2Fevil.example");
  });

  it("answers a malformed or foreign callbackUrl on the single sign-on start with this site, never an error", () => {
    const base = "http://localhost:3000";
    expect(safeRedirectUrl("%", base)).toBe(base);
    expect(safeRedirectUrl("http://[bad", base)).toBe(base);
    expect(safeRedirectUrl("https://evil.example/", base)).toBe(base);
    expect(safeRedirectUrl("/\t/evil.example/", base)).toBe(`${base}/`);
    expect(safeRedirectUrl("http://localhost:3000/\t/evil.example/", base)).toBe(`${base}/`);
    expect(safeRedirectUrl("/cases?x=1", base)).toBe(`${base}/cases?x=1`);
    expect(safeRedirectUrl("http://localhost:3000/cases", base)).toBe(`${base}/cases`);
  });
});

describe("single sign-on: who gets an account", () => {
  it("refuses to create an account from an email the provider has not verified, or does not say", async () => {
    person("squatter", { email: "future.hire@casefile.demo", emailVerified: false });
    person("silent", { email: "other.hire@casefile.demo", emailVerified: undefined });
    const before = await userCount();
    expect(await signIn("squatter")).toEqual({ ok: false, reason: "email_unverified" });
    expect(await signIn("silent")).toEqual({ ok: false, reason: "email_unverified" });
    expect(await userCount()).toBe(before);
  });

  it("refuses an address with invisible or look-alike characters, and normalises the rest", async () => {
    person("zwsp", { email: "sam.okafor\u200b@casefile.demo" });
    person("cyrillic", { email: "s\u0430m.okafor@casefile.demo" });
    const before = await userCount();
    expect(await signIn("zwsp")).toEqual({ ok: false, reason: "email_unusable" });
    expect(await signIn("cyrillic")).toEqual({ ok: false, reason: "email_unusable" });
    expect(await userCount()).toBe(before);

    person("wide", { email: "\uff57\uff49\uff44\uff45@sso.example" });
    const wide = await signIn("wide");
    if (!wide.ok) throw new Error(wide.reason);
    const [row] = await t.db.select({ email: users.email }).from(users).where(eq(users.id, wide.userId));
    expect(row?.email).toBe("wide@sso.example");
    expect(normaliseEmail("Alice@SSO.example")).toBe("alice@sso.example");
    expect(normaliseEmail("a\u202e@x.example")).toBeNull();
  });
});

describe("single sign-on: oversized claims", () => {
  it.each([
    ["10,000 groups", { groups: Array.from({ length: 10_000 }, (_, i) => `group-${i}`) }],
    ["a 20,000-character subject", { sub: `u-${"x".repeat(20_000)}` }],
    ["a 5,000-character group name", { groups: ["soc-analysts", "g".repeat(5_000)] }],
  ])("refuses %s, storing nothing and recording only the claim's name and size", async (_, account) => {
    const login = `big-${Object.keys(account).join("-")}-${Math.random().toString(36).slice(2, 8)}`;
    person(login, account);
    const before = await userCount();
    expect(await signIn(login)).toEqual({ ok: false, reason: "claims_too_large" });
    expect(await userCount()).toBe(before);
    const [entry] = (await inboxEntries(t, "auth.sign_in_failed")).slice(-1);
    expect(JSON.stringify(entry).length).toBeLessThan(2_000);
    expect(entry).toMatchObject({ payload: { method: "oidc", reason: "claims_too_large" } });
  });
});

describe("single sign-on: failures on the server's side", () => {
  it("sends the browser to a fixed code, never the error's text", async () => {
    const broken = createDb(t.url, { max: 1 });
    await broken.close();
    const outcome = await ssoSignInOutcome(broken.db, settings, await claimsOf("alice"), meta);
    expect(outcome).toEqual({ redirect: "/sign-in?error=SsoFailed" });
  });
});
