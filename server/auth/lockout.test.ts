import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { callerForSession, sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { inboxEntries } from "../testing/ledger-inbox";
import { totpCode } from "../testing/totp";
import { LOCKOUT } from "./lockout";
import { signInWithPassword } from "./sign-in";

const t = await testDatabase();
const PASSWORD = "demo-password-for-tests";
await seedDemo(t.db, PASSWORD);

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

/** Enrols the person and returns their secret and a caller for a session of theirs. */
async function enrolled(email: string) {
  const sessionId = await sessionFor(t.db, email);
  const caller = await callerForSession(t.db, sessionId);
  const { secret } = await caller.account.secondFactor.begin({ password: PASSWORD });
  await caller.account.secondFactor.confirm({ code: totpCode(secret) });
  return { secret, caller, sessionId };
}

const forEmail = (email: string) => (e: { payload: Record<string, unknown> }) => e.payload.email === email;

describe("sign-in lockout under concurrency", () => {
  it("checks at most the limit of 25 parallel wrong passwords for one account", async () => {
    const email = "ines.ortega@casefile.demo";
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        signInWithPassword(
          t.db,
          { email, password: `wrong-guess-${i}` },
          { requestId: `p${i}`, ip: `203.0.113.${i + 1}`, userAgent: "vitest" },
        ),
      ),
    );
    // Each checked password is recorded as a failure; the others are refused unchecked.
    const checked = (await inboxEntries(t, "auth.sign_in_failed")).filter(forEmail(email));
    expect(checked).toHaveLength(LOCKOUT.perAccount);
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(LOCKOUT.perAccount);
    expect(results.filter((r) => !r.ok && r.reason === "locked")).toHaveLength(25 - LOCKOUT.perAccount);
    // The fifth failure starts the lockout, and that is recorded once.
    const started = (await inboxEntries(t, "auth.lockout_started")).filter(forEmail(email));
    expect(started.map((e) => e.payload)).toEqual([{ email, scope: "account", minutes: 15 }]);
  });
});

describe("second-factor codes count towards the lockout", () => {
  it("locks step-up after 5 wrong codes, even 25 in parallel, and then refuses the right code", async () => {
    const { secret, caller } = await enrolled("priya.raman@casefile.demo");
    const outcomes = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        failure(caller.account.secondFactor.stepUp({ code: String(100000 + i) })),
      ),
    );
    expect(outcomes.filter((o) => o.code === "BAD_REQUEST")).toHaveLength(LOCKOUT.perAccount);
    expect(outcomes.filter((o) => o.code === "TOO_MANY_REQUESTS")).toHaveLength(25 - LOCKOUT.perAccount);
    const locked = await failure(caller.account.secondFactor.stepUp({ code: totpCode(secret, 1) }));
    expect(locked.code).toBe("TOO_MANY_REQUESTS");
    expect(locked.message).toMatch(/locked for this account for 1[45] minutes/);
    expect((await inboxEntries(t, "auth.second_factor_failed")).length).toBe(LOCKOUT.perAccount);
    expect((await inboxEntries(t, "auth.step_up_locked")).length).toBeGreaterThan(0);
    // The account is locked for sign-in too, even with the right password and code.
    const signIn = await signInWithPassword(
      t.db,
      { email: "priya.raman@casefile.demo", password: PASSWORD, code: totpCode(secret, 1) },
      { requestId: "s", ip: null, userAgent: "vitest" },
    );
    expect(signIn).toMatchObject({ ok: false, reason: "locked" });
    // Fifteen minutes later by the database clock the right code works again.
    await t.owner.sql`update sign_in_failures set at = at - interval '16 minutes'`;
    expect(await caller.account.secondFactor.stepUp({ code: totpCode(secret, 1) })).toEqual({
      method: "totp",
    });
  });

  it("a locked account is locked for step-up too", async () => {
    const { secret, caller } = await enrolled("marcus.webb@casefile.demo");
    for (let i = 0; i < LOCKOUT.perAccount; i++) {
      await signInWithPassword(
        t.db,
        { email: "marcus.webb@casefile.demo", password: `nope-${i}` },
        { requestId: "m", ip: null, userAgent: "vitest" },
      );
    }
    expect((await failure(caller.account.secondFactor.stepUp({ code: totpCode(secret) }))).code).toBe(
      "TOO_MANY_REQUESTS",
    );
  });

  it("wrong sign-in codes lock the account after 5", async () => {
    const { secret } = await enrolled("tom.becker@casefile.demo");
    const meta = { requestId: "c", ip: null, userAgent: "vitest" };
    const email = "tom.becker@casefile.demo";
    for (let i = 0; i < LOCKOUT.perAccount; i++) {
      expect(await signInWithPassword(t.db, { email, password: PASSWORD, code: `00000${i}` }, meta)).toEqual({
        ok: false,
        reason: "invalid_code",
      });
    }
    expect(
      await signInWithPassword(t.db, { email, password: PASSWORD, code: totpCode(secret, 1) }, meta),
    ).toMatchObject({ ok: false, reason: "locked" });
  });

  it("a session's wrong codes still count after the owner signs in with the right password", async () => {
    const email = "carla.nguyen@casefile.demo";
    const { secret, caller } = await enrolled(email);
    for (let i = 0; i < LOCKOUT.perAccount - 1; i++) {
      expect((await failure(caller.account.secondFactor.stepUp({ code: `11111${i}` }))).code).toBe(
        "BAD_REQUEST",
      );
    }
    // The owner signs in elsewhere, which ends the account's run of failures, not the guessing session's.
    const owner = await signInWithPassword(
      t.db,
      { email, password: PASSWORD, code: totpCode(secret, 1) },
      { requestId: "o", ip: null, userAgent: "vitest" },
    );
    expect(owner.ok).toBe(true);
    expect((await failure(caller.account.secondFactor.stepUp({ code: "222222" }))).code).toBe("BAD_REQUEST");
    expect((await failure(caller.account.secondFactor.stepUp({ code: totpCode(secret, 2) }))).code).toBe(
      "TOO_MANY_REQUESTS",
    );
  });
});
