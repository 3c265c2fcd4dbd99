import { describe, expect, it } from "vitest";
import { totpCode } from "../testing/totp";
import { failure } from "../testing/failure";
import { enrolSecondFactor } from "../testing/second-factor";
import {
  t,
  ines,
  marcus,
  priya,
  second,
  allRoles,
  caseId,
  triggerId,
  logsParams,
  fieldOf,
  ledger,
  logsRequest,
} from "../testing/requests-fixture";

describe("separation of duties", () => {
  it("refuses self-approval even to someone holding every role, and records the attempt", async () => {
    const { id } = await logsRequest(allRoles);
    const review = await allRoles.requests.review({ requestId: id });
    expect(review.me).toMatchObject({ canDecide: false, whyNot: "Nobody approves their own request" });
    const error = await failure(
      allRoles.requests.decide({
        requestId: id,
        paramsHashSeen: review.request.paramsHash,
        decision: "approve",
      }),
    );
    expect([error.code, error.message]).toEqual(["FORBIDDEN", "Nobody approves their own request"]);
    expect(await ledger("request.self_approval_refused", id)).toHaveLength(1);
    expect((await allRoles.requests.queue()).items.map((r) => r.id)).not.toContain(id);
  });

  it("counts one person once, and needs distinct approvers for a 2-approval policy", async () => {
    // Critical actions ask their requester for a second factor too: Marcus proves his.
    await enrolSecondFactor(marcus, "demo-password-for-tests", { stepUp: true });
    const { id } = await marcus.requests.create({
      caseId,
      actionKey: "host.isolate",
      params: { hostId: "ws-sup-017" },
      justification: "Workstation ws-sup-017 beacons to the attacker; isolate it now.",
      triggerEventId: triggerId,
      minutes: 20,
    });
    const hash = (await priya.requests.review({ requestId: id })).request.paramsHash;
    const first = await priya.requests.decide({ requestId: id, paramsHashSeen: hash, decision: "approve" });
    expect(first).toMatchObject({ status: "pending", grantId: null });
    expect(first.explanation).toMatch(/1 of 2 given|1 of 3 given/);
    expect(
      (await failure(priya.requests.decide({ requestId: id, paramsHashSeen: hash, decision: "approve" })))
        .code,
    ).toBe("CONFLICT");
    const review = await second.requests.review({ requestId: id });
    expect(review.policy.progress.given).toBe(1);
  });
});

describe("step-up for high-risk approvals", () => {
  it("is required, taken with a code, and recorded on the approval", async () => {
    const { id } = await ines.requests.create({
      caseId,
      actionKey: "db.session.terminate",
      params: { database: "orders", pid: 48213 },
      justification: "Backend 48213 is the attacker's live session; end it before more rows leave.",
      triggerEventId: triggerId,
      minutes: 15,
    });
    const hash = (await second.requests.review({ requestId: id })).request.paramsHash;
    const approve = (code?: string) =>
      second.requests.decide({
        requestId: id,
        paramsHashSeen: hash,
        decision: "approve",
        secondFactorCode: code,
      });
    const notEnrolled = await failure(approve());
    expect([notEnrolled.code, notEnrolled.message]).toEqual([
      "PRECONDITION_FAILED",
      "High-risk approvals need a second factor: set one up under Your account first",
    ]);
    const { secret, recoveryCodes } = await enrolSecondFactor(second, "demo-password-for-tests");
    // Setting it up is no step-up; a recovery code proves it, and that proof then grows old.
    await second.account.secondFactor.stepUp({ code: recoveryCodes[0] ?? "" });
    // Proof older than five minutes (by the database clock) no longer counts.
    await t.owner.sql`update user_sessions set second_factor_at = now() - interval '6 minutes'
      where user_id = (select id from users where email = 'second.approver@casefile.demo')`;
    expect((await failure(approve())).message).toMatch(/^Confirm with your authenticator code/);
    const wrong = await failure(approve("000000"));
    expect([wrong.code, fieldOf(wrong)]).toEqual(["BAD_REQUEST", "secondFactorCode"]);
    const decision = await approve(totpCode(secret, 1));
    expect(decision.status).toBe("approved");
    const [row] = await t.sql<{ method: string; fresh: boolean }[]>`
      select step_up_method as method, step_up_at > now() - interval '1 minute' as fresh
      from approvals where request_id = ${id}`;
    expect(row).toEqual({ method: "totp", fresh: true });
    const [entry] = await ledger("request.approved", id);
    expect(entry?.payload).toMatchObject({ secondFactor: { method: "totp" } });
  });
});

describe("narrowing", () => {
  it("must lie inside the request; the grant carries the narrowed scope and window", async () => {
    const { id } = await logsRequest();
    const hash = (await priya.requests.review({ requestId: id })).request.paramsHash;
    const wider = await failure(
      priya.requests.decide({
        requestId: id,
        paramsHashSeen: hash,
        decision: "approve",
        params: { ...logsParams, columns: [...logsParams.columns, "user_agent"] },
      }),
    );
    expect([wider.code, fieldOf(wider)]).toEqual(["BAD_REQUEST", "params"]);
    expect(wider.message).toMatch(/user_agent are not granted/);
    const longer = await failure(
      priya.requests.decide({ requestId: id, paramsHashSeen: hash, decision: "approve", minutes: 45 }),
    );
    expect([longer.code, fieldOf(longer)]).toEqual(["BAD_REQUEST", "minutes"]);
    const stale = await failure(
      priya.requests.decide({ requestId: id, paramsHashSeen: "0".repeat(64), decision: "approve" }),
    );
    expect(stale.code).toBe("CONFLICT");

    const narrowed = {
      ...logsParams,
      from: "2026-11-20T00:00:00Z",
      to: "2026-11-20T06:00:00Z",
      columns: ["ts", "src_ip"],
    };
    const decision = await priya.requests.decide({
      requestId: id,
      paramsHashSeen: hash,
      decision: "approve",
      params: narrowed,
      minutes: 10,
    });
    expect(decision.status).toBe("approved");
    const { requests } = await ines.requests.ofCase({ caseId });
    const grant = requests.find((r) => r.id === id)?.grant;
    expect(grant?.scope).toEqual(narrowed);
    expect((grant?.expiresAt.getTime() ?? 0) - (grant?.notBefore.getTime() ?? 0)).toBe(10 * 60_000);
    expect(await ledger("request.narrowed", id)).toHaveLength(1);
    expect(await ledger("grant.created", id)).toHaveLength(1);
    // Wider than the grant at run time: refused and recorded.
    const error = await failure(
      ines.actions.execute({ caseId, grantId: grant?.id ?? "", params: logsParams }),
    );
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(/outside the granted scope/);
    expect(await ledger("action.denied_attempt", grant?.id)).toHaveLength(1);
    await ines.actions.execute({
      caseId,
      grantId: grant?.id ?? "",
      params: { ...narrowed, columns: ["ts"] },
    });
  });

  it("deny needs a reason and ends the request", async () => {
    const { id } = await logsRequest();
    const hash = (await priya.requests.review({ requestId: id })).request.paramsHash;
    const error = await failure(
      priya.requests.decide({ requestId: id, paramsHashSeen: hash, decision: "deny", comment: " " }),
    );
    expect([error.code, fieldOf(error)]).toEqual(["BAD_REQUEST", "comment"]);
    await priya.requests.decide({
      requestId: id,
      paramsHashSeen: hash,
      decision: "deny",
      comment: "Use the narrower export first.",
    });
    const row = (await ines.requests.ofCase({ caseId })).requests.find((r) => r.id === id);
    expect(row).toMatchObject({
      status: "denied",
      outcomeNote: "Use the narrower export first.",
      grant: null,
    });
    expect(await ledger("request.denied", id)).toHaveLength(1);
  });

  it("two approvers deciding at once create one grant", async () => {
    const { id } = await logsRequest();
    const hash = (await priya.requests.review({ requestId: id })).request.paramsHash;
    const results = await Promise.allSettled([
      priya.requests.decide({ requestId: id, paramsHashSeen: hash, decision: "approve" }),
      second.requests.decide({ requestId: id, paramsHashSeen: hash, decision: "approve" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await ledger("grant.created", id)).toHaveLength(1);
  });
});
