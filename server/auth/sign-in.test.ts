import { describe, expect, it } from "vitest";
import { seedDemo } from "@/db/seed";
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
