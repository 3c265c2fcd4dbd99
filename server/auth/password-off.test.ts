/**
 * CASEFILE_PASSWORD_SIGN_IN=false (single sign-on only): the credentials provider refuses
 * even a correct password without opening a session, and new people get no password
 * invitation (they sign in through the identity provider).
 */
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { users, userSessions } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { testDatabase } from "../testing/db";
import { totpCode } from "../testing/totp";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
// This file's modules read the environment once, after these are set.
vi.stubEnv("DATABASE_URL", t.url);
vi.stubEnv("CASEFILE_PASSWORD_SIGN_IN", "false");
vi.stubEnv("CASEFILE_OIDC_ISSUER", "https://idp.example/");
vi.stubEnv("CASEFILE_OIDC_CLIENT_ID", "casefile");
vi.stubEnv("CASEFILE_OIDC_CLIENT_SECRET", "not-used-here");
afterAll(() => vi.unstubAllEnvs());
const { authOptions, PASSWORD_SIGN_IN_OFF } = await import("./options");
const { callerForSession, sessionFor } = await import("../testing/callers");
const { beginEnrolment, confirmEnrolment } = await import("./enrolment");
const { stepUp } = await import("./second-factor");
const { loadSessionUser } = await import("./sessions");

type Authorize = (
  credentials: Record<string, string>,
  req: { headers: Record<string, string> },
) => Promise<unknown>;
const credentials = authOptions.providers.find((p) => p.type === "credentials") as unknown as {
  options: { authorize: Authorize };
};

describe("password sign-in turned off", () => {
  it("refuses a correct password and opens no session", async () => {
    const before = await t.db.select().from(userSessions);
    await expect(
      credentials.options.authorize(
        { email: "ines.ortega@casefile.demo", password: "demo-password-for-tests", code: "" },
        { headers: {} },
      ),
    ).rejects.toThrow(PASSWORD_SIGN_IN_OFF);
    expect(await t.db.select().from(userSessions)).toHaveLength(before.length);
  });

  it("still offers single sign-on", () => {
    expect(authOptions.providers.map((p) => p.id)).toContain("oidc");
  });

  it("creates people without a password invitation", async () => {
    const samSession = await sessionFor(t.db, "sam.okafor@casefile.demo");
    const sam = await loadSessionUser(t.db, samSession);
    if (!sam) throw new Error("no sam");
    await beginEnrolment(t.db, sam, { password: "demo-password-for-tests" });
    const [row] = await t.db.select({ s: users.totpPendingSecret }).from(users).where(eq(users.id, sam.id));
    await confirmEnrolment(t.db, sam, totpCode(row?.s ?? ""));
    await stepUp(t.db, sam, totpCode(row?.s ?? "", 1));
    const admin = await callerForSession(t.db, samSession);
    const created = await admin.admin.users.create({
      name: "Dana Fischer",
      email: "dana.fischer@casefile.demo",
      roles: ["investigator"],
      clearance: 2,
    });
    expect(created.invitation).toBeNull();
    const [dana] = await t.db.select().from(users).where(eq(users.id, created.userId));
    expect(dana?.passwordHash ?? null).toBeNull();
  });
});
