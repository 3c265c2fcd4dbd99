import { eq, sql as dsql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users, userSessions } from "@/db/schema";
import { testDatabase } from "../testing/db";
import { hashPassword, verifyPassword } from "./password";
import { checkCredentials, loadSessionUser, openSession, revokeSession } from "./sessions";

const { db } = await testDatabase();

async function makeUser(email: string, password: string) {
  const [row] = await db
    .insert(users)
    .values({ email, name: email.split("@")[0] ?? email, passwordHash: await hashPassword(password) })
    .returning({ id: users.id });
  if (!row) throw new Error("insert failed");
  return row.id;
}

describe("passwords", () => {
  it("are hashed with argon2id and verified", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect(await verifyPassword(hash, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(hash, "correct horse battery stapler")).toBe(false);
    expect(await verifyPassword("not-a-hash", "anything")).toBe(false);
  });
});

describe("credentials", () => {
  it("accept the right password, case-insensitively on email", async () => {
    await makeUser("dana@example.test", "s3cret-pass");
    const result = await checkCredentials(db, "  Dana@Example.TEST ", "s3cret-pass");
    expect(result).toMatchObject({ ok: true, user: { email: "dana@example.test" } });
  });

  it("reject a wrong password and an unknown email alike", async () => {
    expect(await checkCredentials(db, "dana@example.test", "wrong")).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await checkCredentials(db, "nobody@example.test", "s3cret-pass")).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("reject a disabled user even with the right password", async () => {
    const id = await makeUser("eve@example.test", "s3cret-pass");
    await db
      .update(users)
      .set({ disabledAt: dsql`now()` })
      .where(eq(users.id, id));
    expect(await checkCredentials(db, "eve@example.test", "s3cret-pass")).toEqual({
      ok: false,
      reason: "disabled",
    });
  });
});

describe("sessions", () => {
  it("load the user with roles while live", async () => {
    const id = await makeUser("finn@example.test", "s3cret-pass");
    const sid = await openSession(db, id);
    expect(await loadSessionUser(db, sid)).toMatchObject({ id, email: "finn@example.test", roles: [] });
  });

  it("stop working once revoked, expired (database clock) or the user is disabled", async () => {
    const id = await makeUser("gus@example.test", "s3cret-pass");

    const revoked = await openSession(db, id);
    await revokeSession(db, revoked);
    expect(await loadSessionUser(db, revoked)).toBeNull();

    const expired = await openSession(db, id);
    await db
      .update(userSessions)
      .set({ expiresAt: dsql`now() - interval '1 second'` })
      .where(eq(userSessions.id, expired));
    expect(await loadSessionUser(db, expired)).toBeNull();

    const live = await openSession(db, id);
    expect(await loadSessionUser(db, live)).not.toBeNull();
    await db
      .update(users)
      .set({ disabledAt: dsql`now()` })
      .where(eq(users.id, id));
    expect(await loadSessionUser(db, live)).toBeNull();
  });

  it("end after 30 idle minutes, and each request keeps them alive", async () => {
    const id = await makeUser("hana@example.test", "s3cret-pass");
    const active = await openSession(db, id);
    await db
      .update(userSessions)
      .set({ lastSeenAt: dsql`now() - interval '29 minutes'` })
      .where(eq(userSessions.id, active));
    expect(await loadSessionUser(db, active)).not.toBeNull();
    const [seen] = await db
      .select({ recent: dsql<boolean>`${userSessions.lastSeenAt} > now() - interval '1 minute'` })
      .from(userSessions)
      .where(eq(userSessions.id, active));
    expect(seen?.recent).toBe(true);

    const idle = await openSession(db, id);
    await db
      .update(userSessions)
      .set({ lastSeenAt: dsql`now() - interval '31 minutes'` })
      .where(eq(userSessions.id, idle));
    expect(await loadSessionUser(db, idle)).toBeNull();
  });

  it("ignore ids that are not session ids", async () => {
    expect(await loadSessionUser(db, "'; drop table users; --")).toBeNull();
    expect(await loadSessionUser(db, "00000000-0000-0000-0000-000000000000")).toBeNull();
  });
});
