import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { testDatabase } from "../testing/db";
import { loadSessionUser } from "./sessions";
import { signInWithPassword, signOutSession } from "./sign-in";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const request = { requestId: "req-1", ip: "203.0.113.9", userAgent: "test-browser" };

async function inbox(type: string) {
  const rows = await t.owner.sql<{ body: string }[]>`select body from ledger_inbox order by id`;
  return rows.map((r) => JSON.parse(r.body) as Record<string, unknown>).filter((e) => e.type === type);
}

describe("password sign-in", () => {
  it("opens a session and records the sign-in with who, how and from where", async () => {
    const result = await signInWithPassword(
      t.db,
      { email: "ines.ortega@casefile.demo", password: "demo-password-for-tests" },
      request,
    );
    if (!result.ok) throw new Error("sign-in failed");
    expect(await loadSessionUser(t.db, result.sessionId)).toMatchObject({
      email: "ines.ortega@casefile.demo",
    });
    const [entry] = await inbox("auth.sign_in");
    expect(entry).toMatchObject({
      actor: { id: result.user.id, name: "Ines Ortega" },
      payload: { method: "password", sessionId: result.sessionId },
      request: { id: "req-1", ip: "203.0.113.9", userAgent: "test-browser" },
    });
  });

  it("records a failed sign-in without opening a session", async () => {
    const result = await signInWithPassword(
      t.db,
      { email: "Marcus.Webb@casefile.demo", password: "wrong" },
      request,
    );
    expect(result).toEqual({ ok: false, reason: "invalid" });
    const [entry] = await inbox("auth.sign_in_failed");
    expect(entry).toMatchObject({
      actor: null,
      payload: { email: "marcus.webb@casefile.demo", reason: "invalid" },
    });
    const [sessions] =
      await t.sql`select count(*)::int as n from user_sessions s join users u on u.id = s.user_id where u.email = 'marcus.webb@casefile.demo'`;
    expect(sessions?.n).toBe(0);
  });

  it("records sign-out once, and a second sign-out of the same session changes nothing", async () => {
    const result = await signInWithPassword(
      t.db,
      { email: "tom.becker@casefile.demo", password: "demo-password-for-tests" },
      request,
    );
    if (!result.ok) throw new Error("sign-in failed");
    await signOutSession(t.db, result.sessionId, null);
    await signOutSession(t.db, result.sessionId, null);
    expect(await loadSessionUser(t.db, result.sessionId)).toBeNull();
    const entries = await inbox("auth.sign_out");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: { name: "Tom Becker" },
      payload: { sessionId: result.sessionId },
    });
  });
});

describe("lockout", () => {
  const PASSWORD = "demo-password-for-tests";

  it("locks an account after 5 wrong passwords, even against the right one, until the window passes", async () => {
    const from = { ...request, ip: "198.51.100.7" };
    for (let i = 0; i < 5; i++) {
      expect(
        await signInWithPassword(t.db, { email: "carla.nguyen@casefile.demo", password: `guess-${i}` }, from),
      ).toEqual({
        ok: false,
        reason: "invalid",
      });
    }
    const locked = await signInWithPassword(
      t.db,
      { email: "Carla.Nguyen@casefile.demo", password: PASSWORD },
      from,
    );
    expect(locked).toMatchObject({ ok: false, reason: "locked" });
    if (locked.ok || locked.reason !== "locked") throw new Error("expected a lockout");
    expect(locked.retryAfterSeconds).toBeGreaterThan(800);
    const [entry] = await inbox("auth.sign_in_locked");
    expect(entry).toMatchObject({ payload: { email: "carla.nguyen@casefile.demo", scope: "account" } });
    // Other accounts from the same address still sign in.
    expect(
      (await signInWithPassword(t.db, { email: "sam.okafor@casefile.demo", password: PASSWORD }, from)).ok,
    ).toBe(true);
    // Fifteen minutes later (by the database clock) the account opens again, and success clears its count.
    await t.owner
      .sql`update sign_in_failures set at = at - interval '16 minutes' where key = 'account:carla.nguyen@casefile.demo'`;
    expect(
      (await signInWithPassword(t.db, { email: "carla.nguyen@casefile.demo", password: PASSWORD }, from)).ok,
    ).toBe(true);
    const [left] = await t.owner
      .sql`select count(*)::int as n from sign_in_failures where key = 'account:carla.nguyen@casefile.demo'`;
    expect(left?.n).toBe(0);
  });

  it("locks an address after 20 failures across accounts", async () => {
    const from = { ...request, ip: "192.0.2.200" };
    for (let i = 0; i < 20; i++) {
      await signInWithPassword(t.db, { email: `nobody-${i}@casefile.demo`, password: "x" }, from);
    }
    const result = await signInWithPassword(
      t.db,
      { email: "priya.raman@casefile.demo", password: PASSWORD },
      from,
    );
    expect(result).toMatchObject({ ok: false, reason: "locked" });
    const entries = await inbox("auth.sign_in_locked");
    expect(entries.at(-1)).toMatchObject({
      payload: { email: "priya.raman@casefile.demo", scope: "address" },
    });
    expect((await inbox("auth.sign_in_failed")).length).toBeGreaterThanOrEqual(25);
  });
});
