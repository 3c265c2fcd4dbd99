import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { totpCode } from "../testing/totp";
import { signInWithPassword } from "./sign-in";
import { failure } from "../testing/failure";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const request = { requestId: "r", ip: null, userAgent: "vitest" };
const EMAIL = "priya.raman@casefile.demo";

async function ledgerTypes(): Promise<string[]> {
  const rows = await t.owner.sql<
    { type: string }[]
  >`select body::jsonb ->> 'type' as type from ledger_inbox order by id`;
  return rows.map((r) => r.type);
}

const priya = await callerFor(t.db, EMAIL);
const { secret, uri, qrSvg } = await priya.account.secondFactor.begin({
  password: "demo-password-for-tests",
});

describe("TOTP enrolment and sign-in", () => {
  it("enrols with a code from the app and hands out recovery codes once", async () => {
    expect(uri).toMatch(/^otpauth:\/\/totp\/Casefile:priya\.raman%40casefile\.demo\?/);
    expect(qrSvg).toContain("<svg");
    expect((await failure(priya.account.secondFactor.confirm({ code: "000000" }))).code).toBe("BAD_REQUEST");
    const { recoveryCodes } = await priya.account.secondFactor.confirm({ code: totpCode(secret) });
    expect(recoveryCodes).toHaveLength(10);
    expect(await priya.account.secondFactor.status()).toMatchObject({ enabled: true, recoveryLeft: 10 });
    const [row] = await t.owner.sql<{ n: number }[]>`
      select count(*)::int as n from recovery_codes where code_hash = ${recoveryCodes[0] ?? ""}`;
    expect(row?.n).toBe(0); // stored hashed
    expect(await ledgerTypes()).toContain("auth.second_factor_enrolled");

    // Sign-in now asks for the code; a wrong one is a recorded failure; a right one opens a session.
    const password = { email: EMAIL, password: "demo-password-for-tests" };
    expect(await signInWithPassword(t.db, password, request)).toEqual({
      ok: false,
      reason: "second_factor_required",
    });
    expect(await signInWithPassword(t.db, { ...password, code: "123456" }, request)).toEqual({
      ok: false,
      reason: "invalid_code",
    });
    expect(await ledgerTypes()).toContain("auth.second_factor_failed");
    const code = totpCode(secret, 1);
    const ok = await signInWithPassword(t.db, { ...password, code }, request);
    expect(ok.ok).toBe(true);
    // The same code again is a replay.
    expect(await signInWithPassword(t.db, { ...password, code }, request)).toEqual({
      ok: false,
      reason: "invalid_code",
    });
    // A recovery code works once.
    const recovery = recoveryCodes[0] ?? "";
    expect((await signInWithPassword(t.db, { ...password, code: recovery }, request)).ok).toBe(true);
    expect(await signInWithPassword(t.db, { ...password, code: recovery }, request)).toEqual({
      ok: false,
      reason: "invalid_code",
    });
    if (ok.ok) {
      const [session] = await t.owner.sql<{ method: string }[]>`
        select second_factor_method as method from user_sessions where id = ${ok.sessionId}`;
      expect(session?.method).toBe("totp");
    }
  });
});
