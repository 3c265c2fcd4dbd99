import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { callerForSession, sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { inboxEntries } from "../testing/ledger-inbox";
import { totpCode } from "../testing/totp";
import { signInWithPassword } from "./sign-in";

const t = await testDatabase();
const PASSWORD = "demo-password-for-tests";
await seedDemo(t.db, PASSWORD);
const PRIYA = "priya.raman@casefile.demo";
const request = { requestId: "r", ip: "198.51.100.20", userAgent: "vitest" };

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return {
    code: error.code,
    field: (error.cause as { field?: string } | undefined)?.field,
    message: error.message,
  };
}

const sessionRow = async (id: string) => {
  const [row] = await t.owner.sql<{ revoked: boolean; stepUp: Date | null }[]>`
    select revoked_at is not null as revoked, second_factor_at as "stepUp" from user_sessions where id = ${id}`;
  return row;
};

// Priya enrols properly: her password, then the code of her new authenticator.
const owner = await sessionFor(t.db, PRIYA);
const priya = await callerForSession(t.db, owner);
const enrolment = await priya.account.secondFactor.begin({ password: PASSWORD });
const first = await priya.account.secondFactor.confirm({ code: totpCode(enrolment.secret) });

describe("sudo mode for the second factor", () => {
  it("first enrolment asks for the password, and enrolling is not a step-up", async () => {
    const [row] = await t.owner.sql<{ stepUp: Date | null }[]>`
      select second_factor_at as "stepUp" from user_sessions where id = ${owner}`;
    expect(row?.stepUp).toBeNull();
    // Other first-time enrolments without a password are refused.
    const tom = await callerForSession(t.db, await sessionFor(t.db, "tom.becker@casefile.demo"));
    expect(await failure(tom.account.secondFactor.begin({}))).toMatchObject({
      code: "PRECONDITION_FAILED",
      field: "password",
    });
    // High-risk steps still ask for a code after enrolment.
    const sam = await callerForSession(t.db, await sessionFor(t.db, "sam.okafor@casefile.demo"));
    const samEnrolment = await sam.account.secondFactor.begin({ password: PASSWORD });
    await sam.account.secondFactor.confirm({ code: totpCode(samEnrolment.secret) });
    const target = (await sam.admin.users.list()).find((u) => u.email === "tom.becker@casefile.demo");
    expect(
      await failure(sam.admin.users.setDisabled({ userId: target?.id ?? "", disabled: true })),
    ).toMatchObject({ code: "PRECONDITION_FAILED", field: "secondFactorCode" });
  });

  it("a stolen session alone cannot replace the factor, and the owner's authenticator keeps working", async () => {
    const stolen = await callerForSession(t.db, await sessionFor(t.db, PRIYA));
    expect(await failure(stolen.account.secondFactor.begin({}))).toMatchObject({
      code: "PRECONDITION_FAILED",
      field: "password",
    });
    expect(
      await failure(stolen.account.secondFactor.begin({ password: "guess-one-two-three" })),
    ).toMatchObject({
      code: "BAD_REQUEST",
      field: "password",
    });
    // The password alone is not enough once a factor exists: the current code is asked for too.
    expect(await failure(stolen.account.secondFactor.begin({ password: PASSWORD }))).toMatchObject({
      code: "PRECONDITION_FAILED",
      field: "currentCode",
    });
    expect(
      await failure(stolen.account.secondFactor.begin({ password: PASSWORD, currentCode: "000000" })),
    ).toMatchObject({ code: "BAD_REQUEST", field: "currentCode" });
    // Without sudo mode, a pending secret cannot be confirmed either.
    expect(await failure(stolen.account.secondFactor.confirm({ code: "123456" }))).toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    // Nothing was replaced: the owner's authenticator still steps up.
    expect(await priya.account.secondFactor.stepUp({ code: totpCode(enrolment.secret, 1) })).toEqual({
      method: "totp",
    });
    expect(await priya.account.secondFactor.status()).toMatchObject({ enabled: true, recoveryLeft: 10 });
    expect((await inboxEntries(t, "auth.sudo_failed")).length).toBe(2);
  });

  it("replacing with password and a recovery code ends other sessions, is ledgered, and shows a notice at next sign-in", async () => {
    const other = await sessionFor(t.db, PRIYA);
    const replacing = await sessionFor(t.db, PRIYA);
    const caller = await callerForSession(t.db, replacing);
    const next = await caller.account.secondFactor.begin({
      password: PASSWORD,
      currentCode: first.recoveryCodes[0] ?? "",
    });
    expect(next.secret).not.toBe(enrolment.secret);
    const replaced = await caller.account.secondFactor.confirm({ code: totpCode(next.secret) });
    expect(replaced.recoveryCodes).toHaveLength(10);
    expect((await sessionRow(other))?.revoked).toBe(true);
    expect((await sessionRow(owner))?.revoked).toBe(true); // and the stolen one of the test before
    expect((await sessionRow(replacing))?.revoked).toBe(false);
    expect((await sessionRow(replacing))?.stepUp).toBeNull();
    const [entry] = (await inboxEntries(t, "auth.second_factor_enrolled")).slice(-1);
    expect(entry?.payload).toMatchObject({ method: "totp", replaced: true, sessionsEnded: 3 });
    expect((await inboxEntries(t, "auth.sudo")).length).toBeGreaterThanOrEqual(2);
    // The old authenticator no longer works; the confirming session sees no notice, the next sign-in does.
    expect(await caller.account.notices()).toEqual([]);
    const signIn = await signInWithPassword(
      t.db,
      { email: PRIYA, password: PASSWORD, code: totpCode(next.secret, 1) },
      request,
    );
    if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.reason}`);
    const after = await callerForSession(t.db, signIn.sessionId);
    const notices = await after.account.notices();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: "second_factor_changed", ip: "127.0.0.1" });
    await after.account.dismissNotice({ noticeId: notices[0]?.id ?? "" });
    expect(await after.account.notices()).toEqual([]);
  });
});

describe("an admin resets a lost second factor", () => {
  it("needs the admin's step-up, ends the person's sessions, is ledgered, and they must enrol again", async () => {
    const samSession = await sessionFor(t.db, "sam.okafor@casefile.demo");
    const sam = await callerForSession(t.db, samSession);
    const [samSecret] = await t.owner.sql<{ s: string }[]>`
      select totp_secret as s from users where email = 'sam.okafor@casefile.demo'`;
    const carlaSession = await sessionFor(t.db, "carla.nguyen@casefile.demo");
    const carla = await callerForSession(t.db, carlaSession);
    const carlaEnrolment = await carla.account.secondFactor.begin({ password: PASSWORD });
    await carla.account.secondFactor.confirm({ code: totpCode(carlaEnrolment.secret) });
    const target = (await sam.admin.users.list()).find((u) => u.email === "carla.nguyen@casefile.demo");
    if (!target) throw new Error("no carla");

    expect(await failure(sam.admin.users.resetSecondFactor({ userId: target.id }))).toMatchObject({
      code: "PRECONDITION_FAILED",
      field: "secondFactorCode",
    });
    // Not for one's own factor: that is a change under Your account.
    expect(await failure(sam.admin.users.resetSecondFactor({ userId: (await sam.me()).id }))).toMatchObject({
      code: "BAD_REQUEST",
      field: "userId",
    });
    await sam.admin.users.resetSecondFactor({
      userId: target.id,
      secondFactorCode: totpCode(samSecret?.s ?? "", 1),
    });
    expect((await sessionRow(carlaSession))?.revoked).toBe(true);
    const [entry] = await inboxEntries(t, "admin.user.second_factor_reset");
    expect(entry).toMatchObject({ actor: { name: "Sam Okafor" }, subjects: [target.id] });

    const signIn = await signInWithPassword(
      t.db,
      { email: "carla.nguyen@casefile.demo", password: PASSWORD },
      request,
    );
    if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.reason}`);
    const back = await callerForSession(t.db, signIn.sessionId);
    expect((await back.me()).mustEnrolFirst).toBe(true);
    expect((await failure(back.cases.list({}))).code).toBe("FORBIDDEN");
    expect(await back.account.notices()).toMatchObject([{ kind: "second_factor_reset", by: "Sam Okafor" }]);
    const again = await back.account.secondFactor.begin({ password: PASSWORD });
    await back.account.secondFactor.confirm({ code: totpCode(again.secret) });
    expect((await (await callerForSession(t.db, signIn.sessionId)).me()).mustEnrolFirst).toBe(false);
  });
});
