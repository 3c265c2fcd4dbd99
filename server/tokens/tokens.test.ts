import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiTokens, notifications, users } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { failure } from "../testing/failure";
import { inboxEntries } from "../testing/ledger-inbox";
import { enrolSecondFactor } from "../testing/second-factor";
import { tokenFor } from "../testing/tokens";
import { totpCode } from "../testing/totp";
import { authenticateToken } from "./authenticate";
import { hashToken } from "./secret";

const t = await testDatabase();
const PASSWORD = "demo-password-for-tests";
await seedDemo(t.db, PASSWORD);
const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const marcus = await callerFor(t.db, "marcus.webb@casefile.demo");
const meta = (ip: string) => ({ requestId: "r", ip, userAgent: "vitest" });
const check = (token: string, ip = "192.0.2.1") => authenticateToken(t.db, `Bearer ${token}`, meta(ip));
const fieldOf = (e: { cause?: unknown }) => (e.cause as { field?: string } | undefined)?.field;

describe("personal tokens", () => {
  it("needs the password (sudo mode), then shows the token once and keeps only its hash", async () => {
    const refused = await failure(ines.tokens.create({ name: "cli", scopes: ["cases:read"] }));
    expect([refused.code, fieldOf(refused)]).toEqual(["PRECONDITION_FAILED", "password"]);

    const created = await ines.tokens.create({ name: "cli", scopes: ["cases:read"], password: PASSWORD });
    expect(created.token).toMatch(/^cf_[A-Za-z0-9_-]{43}$/);
    const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(row?.secretHash).toBe(hashToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token.slice(3));
    const [{ days } = { days: 0 }] = await t.db.execute<{ days: number }>(
      sql`select round(extract(epoch from expires_at - created_at) / 86400)::int as days from api_tokens where id = ${created.id}`,
    );
    expect(days).toBe(30);
    const listed = await ines.tokens.mine();
    expect(listed.map((x) => x.id)).toContain(created.id);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    const entries = await inboxEntries(t, "token.created");
    expect(entries.at(-1)?.subjects).toContain(created.id);
    // The person is told, on their notifications page and by mail when mail is set up.
    const told = await t.db
      .select({ subject: notifications.subject })
      .from(notifications)
      .where(eq(notifications.dedupKey, `account.security:token:${created.id}:${row?.userId ?? ""}`));
    expect(told.map((n) => n.subject)).toEqual(["A new API token was created on your account: cli"]);
  });

  it("refuses an expiry beyond the maximum and source addresses that are none, naming the field", async () => {
    const tooLong = await failure(
      ines.tokens.create({ name: "x", scopes: ["cases:read"], days: 3650, password: PASSWORD }),
    );
    expect([tooLong.code, fieldOf(tooLong)]).toEqual(["BAD_REQUEST", "days"]);
    const badCidr = await failure(
      ines.tokens.create({
        name: "x",
        scopes: ["cases:read"],
        sourceCidrs: ["10.0.0.0/8", "nope"],
        password: PASSWORD,
      }),
    );
    expect([badCidr.code, fieldOf(badCidr)]).toEqual(["BAD_REQUEST", "sourceCidrs.1"]);
    const noScope = await failure(ines.tokens.create({ name: "x", scopes: [], password: PASSWORD }));
    expect(noScope.code).toBe("BAD_REQUEST");
  });
});

describe("using a token", () => {
  it("acts as its person, and ledgers the first use from each address once", async () => {
    const { id, token } = await tokenFor(t.db, "ines.ortega@casefile.demo");
    const results = await Promise.all([
      check(token, "192.0.2.7"),
      check(token, "192.0.2.7"),
      check(token, "192.0.2.8"),
    ]);
    expect(results.map((r) => r.ok && r.user.email)).toEqual(Array(3).fill("ines.ortega@casefile.demo"));
    const firstUses = (await inboxEntries(t, "token.used_from_new_address")).filter((e) =>
      e.subjects.includes(id),
    );
    expect(firstUses.map((e) => e.payload.ip).sort()).toEqual(["192.0.2.7", "192.0.2.8"]);
    const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, id));
    expect(row?.lastUsedAt).not.toBeNull();
  });

  it("refuses a token revoked, expired, of a disabled person, altered, or from outside its addresses", async () => {
    const revoked = await tokenFor(t.db, "ines.ortega@casefile.demo");
    await ines.tokens.revoke({ tokenId: revoked.id });
    expect((await inboxEntries(t, "token.revoked")).at(-1)?.subjects).toContain(revoked.id);

    const expired = await tokenFor(t.db, "ines.ortega@casefile.demo");
    await t.db
      .update(apiTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(apiTokens.id, expired.id));

    const scoped = await tokenFor(t.db, "ines.ortega@casefile.demo", ["cases:read"], {
      sourceCidrs: ["10.1.0.0/16"],
    });

    const dana = await tokenFor(t.db, "tom.becker@casefile.demo");
    await t.db
      .update(users)
      .set({ disabledAt: sql`now()` })
      .where(eq(users.email, "tom.becker@casefile.demo"));

    const altered = `${revoked.token.slice(0, -1)}${revoked.token.endsWith("A") ? "B" : "A"}`;
    expect(await check(revoked.token)).toEqual({ ok: false, reason: "invalid" });
    expect(await check(expired.token)).toEqual({ ok: false, reason: "invalid" });
    expect(await check(dana.token)).toEqual({ ok: false, reason: "invalid" });
    expect(await check(altered)).toEqual({ ok: false, reason: "invalid" });
    expect(await check(scoped.token, "192.0.2.1")).toEqual({ ok: false, reason: "address" });
    expect((await check(scoped.token, "10.1.2.3")).ok).toBe(true);
    expect(await authenticateToken(t.db, null, meta("192.0.2.1"))).toEqual({ ok: false, reason: "missing" });
  });

  it("cannot be revoked by someone else, and not twice", async () => {
    const mine = await tokenFor(t.db, "ines.ortega@casefile.demo");
    expect((await failure(marcus.tokens.revoke({ tokenId: mine.id }))).code).toBe("NOT_FOUND");
    await ines.tokens.revoke({ tokenId: mine.id });
    expect((await failure(ines.tokens.revoke({ tokenId: mine.id }))).code).toBe("NOT_FOUND");
  });
});

describe("service-account tokens", () => {
  it("are made by an admin with a fresh second factor, for a service account, owned by a person", async () => {
    const sam = await callerFor(t.db, "sam.okafor@casefile.demo");
    const { secret } = await enrolSecondFactor(sam, PASSWORD);
    const { userId: serviceId } = await sam.admin.users.create({
      name: "SIEM",
      email: "svc-siem@casefile.demo",
      roles: ["investigator"],
      clearance: 1,
      serviceAccount: true,
      secondFactorCode: totpCode(secret, 1),
    });
    const inesId = (await ines.me()).id;
    const notService = await failure(
      sam.tokens.createService({
        name: "x",
        scopes: ["events:ingest"],
        serviceAccountId: inesId,
        ownerId: inesId,
      }),
    );
    expect([notService.code, fieldOf(notService)]).toEqual(["BAD_REQUEST", "serviceAccountId"]);
    const created = await sam.tokens.createService({
      name: "SIEM intake",
      scopes: ["events:ingest"],
      serviceAccountId: serviceId,
      ownerId: inesId,
    });
    const used = await check(created.token);
    expect(used.ok && [used.user.email, used.user.serviceAccount, used.token.kind]).toEqual([
      "svc-siem@casefile.demo",
      true,
      "service",
    ]);
    // Listed for its owner and for admins.
    expect((await ines.tokens.mine()).map((x) => x.id)).toContain(created.id);
    expect((await sam.tokens.all()).map((x) => x.id)).toContain(created.id);
  });
});
