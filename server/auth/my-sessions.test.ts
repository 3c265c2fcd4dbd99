import { TRPCError } from "@trpc/server";
import { expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { callerForSession, sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");

async function codeOf(promise: Promise<unknown>) {
  return promise.then(
    () => "OK",
    (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
  );
}

it("lists my sessions and signs out the others, which stop working on their next call", async () => {
  const laptop = await sessionFor(t.db, "ines.ortega@casefile.demo");
  const phone = await sessionFor(t.db, "ines.ortega@casefile.demo");
  const tablet = await sessionFor(t.db, "ines.ortega@casefile.demo");
  const someoneElse = await sessionFor(t.db, "marcus.webb@casefile.demo");
  const me = await callerForSession(t.db, laptop);

  const sessions = await me.account.sessions();
  expect(sessions.map((s) => s.id).sort()).toEqual([laptop, phone, tablet].sort());
  expect(sessions[0]).toMatchObject({ id: laptop, current: true, ip: "127.0.0.1" });

  expect(await codeOf(me.account.signOutOthers({ sessionId: laptop }))).toBe("BAD_REQUEST");
  expect(await codeOf(me.account.signOutOthers({ sessionId: someoneElse }))).toBe("NOT_FOUND");
  expect(await me.account.signOutOthers({ sessionId: phone })).toBe(1);
  expect(await codeOf((await callerForSession(t.db, phone)).me())).toBe("UNAUTHORIZED");
  expect(await me.account.signOutOthers({})).toBe(1);
  expect(await codeOf((await callerForSession(t.db, tablet)).me())).toBe("UNAUTHORIZED");
  expect(await codeOf((await callerForSession(t.db, laptop)).me())).toBe("OK");
  expect(await codeOf((await callerForSession(t.db, someoneElse)).me())).toBe("OK");

  const entries = await t.owner.sql<{ body: string }[]>`
    select body from ledger_inbox where body::jsonb ->> 'type' = 'auth.sessions_signed_out' order by id`;
  expect(entries.map((e) => (JSON.parse(e.body) as { payload: { count: number } }).payload.count)).toEqual([
    1, 1,
  ]);
});
