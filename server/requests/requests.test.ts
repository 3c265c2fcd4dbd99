import { type TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "@/db/client";
import { users, type Role } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { hashPassword } from "../auth/password";
import { type LiveEvent, liveHub } from "../realtime/live";
import { approveAsSeen, callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { enrolSecondFactor } from "../testing/second-factor";
import { asOwnerUnguarded } from "../testing/unguarded";
import { giveRoles } from "../testing/roles";
import { totpCode } from "../testing/totp";
import { expireDue } from "./lifecycle";
import { failure } from "../testing/failure";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);

async function addUser(email: string, roles: Role[], clearance: number) {
  const [row] = await t.db
    .insert(users)
    .values({
      email,
      name: email.split("@")[0] ?? email,
      clearance,
      passwordHash: await hashPassword("demo-password-for-tests"),
    })
    .returning();
  if (!row) throw new Error("no user");
  await giveRoles(t.db, row.id, roles);
  return row;
}
// One person holding every role: still cannot approve their own request.
await addUser("all.roles@casefile.demo", ["investigator", "approver", "admin"], 4);
await addUser("second.approver@casefile.demo", ["approver"], 4);

const ines = await callerFor(t.db, "ines.ortega@casefile.demo"); // lead investigator
const marcus = await callerFor(t.db, "marcus.webb@casefile.demo"); // write member, not the grantee
const priya = await callerFor(t.db, "priya.raman@casefile.demo"); // approver, clearance 4
const tom = await callerFor(t.db, "tom.becker@casefile.demo"); // approver, clearance 2
const second = await callerFor(t.db, "second.approver@casefile.demo");
const allRoles = await callerFor(t.db, "all.roles@casefile.demo");
const carla = await callerFor(t.db, "carla.nguyen@casefile.demo"); // compliance

// Priya sets up and proves a second factor in this session: high-risk approvals need a fresh one.
await enrolSecondFactor(priya, "demo-password-for-tests", { stepUp: true });

const { id: caseId, key: caseKey } = await ines.cases.create({
  title: "Exfiltration from the orders database",
  summary: "A support account pulled customer rows at night.",
  severity: 4,
  tlp: "amber",
});
const users_ = await ines.cases.members.candidates({ caseId });
const idOf = (email: string) => users_.find((u) => u.email === email)?.id ?? "";
await ines.cases.members.add({ caseId, userId: idOf("marcus.webb@casefile.demo"), access: "write" });
await ines.cases.members.add({ caseId, userId: idOf("all.roles@casefile.demo"), access: "write" });
const { id: triggerId } = await ines.cases.timeline.add({
  caseId,
  occurredAt: new Date("2026-11-20T02:14:00Z"),
  title: "j.smith exports 48,000 rows from orders",
  entities: [{ kind: "user_account", value: "j.smith", role: "suspect", relation: "actor" }],
});

const logsParams = {
  table: "auth_logs",
  columns: ["ts", "username", "src_ip", "result"],
  subject: "j.smith",
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-21T00:00:00Z",
  rowCap: 5000,
};
const justification = "Need the sign-in history of j.smith around the export to see where it came from.";

function fieldOf(error: TRPCError): string | undefined {
  return (error.cause as { field?: string } | undefined)?.field;
}

async function ledger(type: string, subject?: string) {
  const rows = await t.ledger.sql<{ body: string }[]>`
    select body from ledger_inbox where body::jsonb ->> 'type' = ${type}
      and (${subject ?? null}::text is null or body::jsonb -> 'subjects' ? ${subject ?? ""})
    order by id`;
  return rows.map((r) => JSON.parse(r.body) as { payload: Record<string, unknown>; caseKey: string | null });
}

async function logsRequest(caller = ines, params: Record<string, unknown> = logsParams) {
  return caller.requests.create({
    caseId,
    actionKey: "logs.query",
    params,
    justification,
    triggerEventId: triggerId,
    minutes: 30,
  });
}

async function approvedLogsGrant(): Promise<{ requestId: string; grantId: string }> {
  const { id } = await logsRequest();
  return { requestId: id, grantId: await approveAsSeen(priya, id) };
}

describe("the catalogue", () => {
  it("offers the seeded actions with their parameter schemas and policy in words", async () => {
    const catalogue = await ines.requests.catalogue();
    expect(catalogue.map((a) => a.key)).toEqual([
      "account.disable",
      "db.role.disable",
      "db.role.enable",
      "db.session.terminate",
      "evidence.export",
      "host.isolate",
      "logs.query",
    ]);
    const logs = catalogue.find((a) => a.key === "logs.query");
    expect(logs?.paramsSchema.required).toEqual(["table", "columns", "subject", "from", "to", "rowCap"]);
    expect(logs?.policySummary).toMatch(/clearance ≥ 2/);
  });

  it("is edited by admins only, with a ledger entry naming the change", async () => {
    const admin = await callerFor(t.db, "sam.okafor@casefile.demo");
    // Admin changes need a fresh second factor.
    const refused = await failure(
      admin.admin.actionTypes.update({ key: "evidence.export", version: 1, patch: { maxUses: 2 } }),
    );
    expect([refused.code, refused.message]).toEqual([
      "PRECONDITION_FAILED",
      "Admin changes need a second factor: set one up under Your account first",
    ]);
    await enrolSecondFactor(admin, "demo-password-for-tests", { stepUp: true });
    expect(
      (
        await failure(
          ines.admin.actionTypes.update({ key: "evidence.export", version: 1, patch: { maxUses: 2 } }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    await admin.admin.actionTypes.update({ key: "evidence.export", version: 1, patch: { maxUses: 2 } });
    expect(
      (
        await failure(
          admin.admin.actionTypes.update({ key: "evidence.export", version: 1, patch: { maxUses: 4 } }),
        )
      ).code,
    ).toBe("CONFLICT");
    const [entry] = await ledger("admin.action_type.updated");
    expect(entry?.payload).toMatchObject({
      key: "evidence.export",
      changes: { maxUses: { from: 3, to: 2 } },
    });
  });
});

describe("asking", () => {
  it("names the field at fault and writes nothing", async () => {
    const before = (await ines.requests.ofCase({ caseId })).requests.length;
    const cases: [object, string][] = [
      [{ justification: "need it" }, "justification"],
      [{ params: { ...logsParams, columns: ["ts", "password"] } }, "params.columns.1"],
      [{ params: { ...logsParams, to: "2026-11-18T00:00:00Z" } }, "params.to"],
      [{ params: { ...logsParams, extra: 1 } }, "params"],
      [{ minutes: 61 }, "minutes"],
      [{ actionKey: "shell.exec" }, "actionKey"],
      [{ uses: 2 }, "uses"],
    ];
    for (const [patch, field] of cases) {
      const error = await failure(
        ines.requests.create({
          caseId,
          actionKey: "logs.query",
          params: logsParams,
          justification,
          triggerEventId: triggerId,
          minutes: 30,
          ...patch,
        }),
      );
      expect([error.code, fieldOf(error)]).toEqual(["BAD_REQUEST", field]);
    }
    const { id: otherCase } = await marcus.cases.create({
      title: "Other case",
      summary: "",
      severity: 1,
      tlp: "green",
    });
    const { id: foreignEvent } = await marcus.cases.timeline.add({
      caseId: otherCase,
      occurredAt: new Date(),
      title: "Elsewhere",
    });
    const error = await failure(
      ines.requests.create({
        caseId,
        actionKey: "logs.query",
        params: logsParams,
        justification,
        triggerEventId: foreignEvent,
        minutes: 30,
      }),
    );
    expect([error.code, fieldOf(error)]).toEqual(["BAD_REQUEST", "triggerEventId"]);
    expect((await ines.requests.ofCase({ caseId })).requests).toHaveLength(before);
  });

  it("is for the case's writers: others get NOT_FOUND, approvers FORBIDDEN-free silence", async () => {
    expect((await failure(logsRequest(tom))).code).toBe("NOT_FOUND");
    expect((await failure(logsRequest(carla))).code).toBe("FORBIDDEN");
  });

  it("writes request.created with the exact parameters and tells the approvers", async () => {
    const { id } = await logsRequest();
    const [entry] = await ledger("request.created", id);
    expect(entry?.caseKey).toBe(caseKey);
    expect(entry?.payload).toMatchObject({
      actionKey: "logs.query",
      params: logsParams,
      minutes: 30,
      justification,
    });
  });
});

describe("who sees a request", () => {
  it("routes it to eligible approvers only; everyone else sees nothing of it", async () => {
    const { id } = await ines.requests.create({
      caseId,
      actionKey: "db.session.terminate",
      params: { database: "orders", username: "j.smith" },
      justification: "The live session of j.smith is still pulling rows; end it now.",
      triggerEventId: triggerId,
      minutes: 15,
    });
    expect((await priya.requests.queue()).items.map((r) => r.id)).toContain(id);
    // Tom's clearance (2) is below the high tier (3); Marcus is no approver and the outsider no member.
    expect((await tom.requests.queue()).items.map((r) => r.id)).not.toContain(id);
    expect((await failure(tom.requests.review({ requestId: id }))).code).toBe("NOT_FOUND");
    const outsider = await callerFor(t.db, "second.approver@casefile.demo");
    expect((await outsider.requests.review({ requestId: id })).me.canDecide).toBe(true);
    const review = await priya.requests.review({ requestId: id });
    expect(review.policy.progress.explanation).toMatch(
      /Needs 1 approver with the approver role and clearance ≥ 3; 0 of 1 given/,
    );
    expect(review.suspects.map((s) => s.value)).toContain("j.smith");
    expect(review.window.map((e) => e.title)).toContain("j.smith exports 48,000 rows from orders");
    expect(review.request.description).toBe("Terminate the sessions of user j.smith on database orders.");
    expect(
      (
        await failure(
          tom.requests.decide({
            requestId: id,
            paramsHashSeen: review.request.paramsHash,
            decision: "approve",
          }),
        )
      ).code,
    ).toBe("NOT_FOUND");
  });
});

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

describe("enforcement", () => {
  it("50 concurrent runs of a single-use grant: exactly one execution and one ledger entry", async () => {
    const { grantId } = await approvedLogsGrant();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => ines.actions.execute({ caseId, grantId, params: logsParams })),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    expect(ok).toHaveLength(1);
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as TRPCError] : []));
    expect(new Set(refused.map((e) => e.message))).toEqual(
      new Set(["Refused: This single-use grant has already been used"]),
    );
    // No connector here: the built-in executor records the one use (started, then its outcome).
    expect(await ledger("action.started", grantId)).toHaveLength(1);
    expect(await ledger("action.succeeded", grantId)).toHaveLength(1);
    expect(await ledger("action.denied_attempt", grantId)).toHaveLength(49);
    const [row] = await t.sql<{ uses: number; runs: number }[]>`
      select uses, (select count(*)::int from executions where grant_id = ${grantId}) as runs from grants where id = ${grantId}`;
    expect(row).toEqual({ uses: 1, runs: 1 });
  });

  it("refuses someone other than the grantee, an expired grant (by the database clock) and a revoked one", async () => {
    const a = await approvedLogsGrant();
    expect(
      (await failure(marcus.actions.execute({ caseId, grantId: a.grantId, params: logsParams }))).message,
    ).toBe("Refused: This grant was issued to someone else");
    // The grant's window is fixed once issued: the owner moves it, triggers off, as if it had passed.
    await asOwnerUnguarded(
      t.owner.sql,
      ["grants"],
      (sql) =>
        sql`update grants set not_before = now() - interval '2 hours', expires_at = now() - interval '1 second' where id = ${a.grantId}`,
    );
    expect(
      (await failure(ines.actions.execute({ caseId, grantId: a.grantId, params: logsParams }))).message,
    ).toBe("Refused: This grant has expired");
    const b = await approvedLogsGrant();
    expect((await failure(marcus.actions.revokeGrant({ grantId: b.grantId }))).code).toBe("NOT_FOUND");
    await ines.actions.revokeGrant({ grantId: b.grantId, reason: "I'm done" });
    expect(
      (await failure(ines.actions.execute({ caseId, grantId: b.grantId, params: logsParams }))).message,
    ).toBe("Refused: This grant was revoked");
    expect(await ledger("grant.revoked", b.grantId)).toHaveLength(1);
  });

  it("a successful run lands in the timeline and the ledger", async () => {
    const { grantId } = await approvedLogsGrant();
    const result = await ines.actions.execute({ caseId, grantId, params: logsParams });
    expect(result.status).toBe("succeeded");
    const { events } = await ines.cases.timeline.list({ caseId, source: "action" });
    expect(events.some((e) => e.title === "Ran logs.query")).toBe(true);
    const [entry] = await ledger("action.started", grantId);
    expect(entry?.payload).toMatchObject({ actionKey: "logs.query", use: "1 of 1", params: logsParams });
    const [outcome] = await ledger("action.succeeded", grantId);
    expect(outcome?.payload).toMatchObject({ status: "succeeded", connector: null });
    expect(outcome?.payload.summary).toContain("Recorded only");
  });
});

describe("expiry, cancellation and break-glass", () => {
  it("expires undecided requests by the database clock", async () => {
    const { id } = await logsRequest();
    await t.owner.sql`update action_requests set expires_at = now() - interval '1 second' where id = ${id}`;
    const hash = (await priya.requests.review({ requestId: id })).request.paramsHash;
    expect(
      (await failure(priya.requests.decide({ requestId: id, paramsHashSeen: hash, decision: "approve" })))
        .message,
    ).toMatch(/expired/);
    expect((await priya.requests.queue()).items.map((r) => r.id)).not.toContain(id);
    expect(await expireDue(t.db)).toBeGreaterThanOrEqual(1);
    expect((await ines.requests.ofCase({ caseId })).requests.find((r) => r.id === id)?.status).toBe(
      "expired",
    );
    expect(await ledger("request.expired", id)).toHaveLength(1);
  });

  it("lets only the requester cancel a pending request", async () => {
    const { id } = await logsRequest();
    expect((await failure(marcus.requests.cancel({ requestId: id }))).code).toBe("NOT_FOUND");
    await ines.requests.cancel({ requestId: id, reason: "Found it in the EDR instead" });
    expect((await failure(ines.requests.cancel({ requestId: id }))).code).toBe("CONFLICT");
    expect(await ledger("request.cancelled", id)).toHaveLength(1);
  });

  it("break-glass: allowed where policy says, short, flagged, and opens a review someone else closes", async () => {
    const ask = {
      caseId,
      actionKey: "logs.query",
      params: logsParams,
      triggerEventId: triggerId,
      reason: "Active exfiltration at 03:00 and no approver answers the phone.",
    };
    expect((await failure(ines.requests.breakGlass({ ...ask, minutes: 10 }))).message).toBe(
      "Break-glass grants need a second factor: set one up under Your account first",
    );
    const { recoveryCodes } = await enrolSecondFactor(ines, "demo-password-for-tests", { stepUp: true });
    const codes = [...recoveryCodes];
    // A session that stepped up a moment ago is not enough: every break-glass brings its own code.
    expect((await failure(ines.requests.breakGlass({ ...ask, minutes: 10 }))).message).toMatch(
      /Every break-glass needs a code/,
    );
    expect(
      (await failure(ines.requests.breakGlass({ ...ask, minutes: 30, secondFactorCode: codes.shift() })))
        .message,
    ).toMatch(/At most 15 minutes/);
    expect(
      (
        await failure(
          ines.requests.breakGlass({
            ...ask,
            actionKey: "db.role.disable",
            params: { database: "orders", role: "svc_export" },
            minutes: 10,
            secondFactorCode: codes.shift(),
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    const { requestId, grantId } = await ines.requests.breakGlass({
      ...ask,
      minutes: 10,
      secondFactorCode: codes.shift(),
    });
    const row = (await ines.requests.ofCase({ caseId })).requests.find((r) => r.id === requestId);
    expect(row).toMatchObject({
      breakGlass: true,
      status: "approved",
      grant: { breakGlass: true, live: true },
    });
    const [glassEntry] = await ledger("request.break_glass", requestId);
    expect(glassEntry?.payload).toMatchObject({ secondFactor: { method: "recovery" } });
    await ines.actions.execute({ caseId, grantId, params: logsParams });
    expect(
      (await failure(ines.requests.reviewBreakGlass({ requestId, verdict: "justified", note: "fine" }))).code,
    ).toBe("FORBIDDEN");
    expect((await carla.requests.breakGlassReviews()).map((r) => r.requestId)).toContain(requestId);
    expect((await ines.requests.breakGlassReviews()).map((r) => r.requestId)).not.toContain(requestId);
    await carla.requests.reviewBreakGlass({
      requestId,
      verdict: "justified",
      note: "On-call log confirms nobody answered.",
    });
    expect(await ledger("break_glass.reviewed", requestId)).toHaveLength(1);
    expect((await carla.requests.breakGlassReviews()).map((r) => r.requestId)).not.toContain(requestId);
  });
});

describe("live updates", () => {
  const other = createDb(t.url, { max: 2 });
  afterAll(() => other.close());

  it("reach subscribers of two app instances on commit, and never for a rolled-back step", async () => {
    const seen: LiveEvent[][] = [[], []];
    const stops = await Promise.all([
      liveHub(t.db).subscribe((e) => seen[0]?.push(e)),
      liveHub(other.db).subscribe((e) => seen[1]?.push(e)),
    ]);
    await failure(
      ines.requests.create({
        caseId,
        actionKey: "logs.query",
        params: logsParams,
        justification,
        triggerEventId: triggerId,
        minutes: 999,
      }),
    );
    const { id } = await logsRequest();
    await expect.poll(() => seen.map((s) => s.filter((e) => e.requestId === id).length)).toEqual([1, 1]);
    expect(seen[1]?.find((e) => e.requestId === id)).toMatchObject({
      kind: "request.created",
      caseId,
      roles: ["approver"],
    });
    expect(seen.flat()).toHaveLength(2);
    stops.forEach((stop) => stop());
  });
});
