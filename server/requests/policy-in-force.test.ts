/**
 * The policy in force decides: an admin's change reaches waiting requests and live
 * grants, disabling an action is a kill switch, break-glass is limited per person,
 * critical actions ask their executor for a second factor, and every decision keeps
 * why its approver was allowed.
 */
import { type TRPCError } from "@trpc/server";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { approvals, grants, users, type Role } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { type LiveEvent, liveHub } from "../realtime/live";
import { approveAsSeen, type Caller, callerFor } from "../testing/callers";
import { hashPassword } from "../auth/password";
import { testDatabase } from "../testing/db";
import { giveRoles } from "../testing/roles";
import { asOwnerUnguarded } from "../testing/unguarded";
import { enrolSecondFactor } from "../testing/second-factor";
import { failure } from "../testing/failure";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);

const PASSWORD = "demo-password-for-tests";
const PASSWORD_HASH = hashPassword(PASSWORD);

async function addUser(email: string, roles: Role[], clearance: number) {
  const [row] = await t.db
    .insert(users)
    .values({ email, name: email.split("@")[0] ?? email, clearance, passwordHash: await PASSWORD_HASH })
    .returning();
  if (!row) throw new Error("no user");
  await giveRoles(t.db, row.id, roles);
  return row;
}

/** Enrols a second factor as a person does; returns its secret and the recovery codes. */
async function enrol(caller: Caller) {
  return enrolSecondFactor(caller, PASSWORD);
}

const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
const carla = await callerFor(t.db, "carla.nguyen@casefile.demo");
const sam = await callerFor(t.db, "sam.okafor@casefile.demo"); // admin
await enrol(priya);
const samFactor = await enrol(sam);
const samCodes = [...samFactor.recoveryCodes];
const adminCode = () => samCodes.shift() ?? "";

const { id: caseId } = await ines.cases.create({
  title: "Night logins",
  summary: "",
  severity: 3,
  tlp: "amber",
});

const logsParams = {
  table: "auth_logs",
  columns: ["ts", "username", "src_ip"],
  subject: "j.smith",
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-21T00:00:00Z",
  rowCap: 100,
};
const justification = "Need the sign-in history of j.smith around the export to see where it came from.";

const fieldOf = (error: TRPCError) => (error.cause as { field?: string } | undefined)?.field;

async function ledger(type: string, subject?: string) {
  const rows = await t.ledger.sql<{ body: string }[]>`
    select body from ledger_inbox where body::jsonb ->> 'type' = ${type}
      and (${subject ?? null}::text is null or body::jsonb -> 'subjects' ? ${subject ?? ""})
    order by id`;
  return rows.map((r) => JSON.parse(r.body) as { payload: Record<string, unknown> });
}

async function policy(key: string) {
  const list = await sam.admin.actionTypes.list();
  const row = list.find((a) => a.key === key);
  if (!row) throw new Error(`no ${key}`);
  return row;
}

async function setPolicy(key: string, patch: Record<string, unknown>) {
  const { version } = await policy(key);
  return sam.admin.actionTypes.update({ key, version, patch, secondFactorCode: adminCode() });
}

async function logsRequest(caller: Caller = ines, minutes = 30) {
  return caller.requests.create({
    caseId,
    actionKey: "logs.query",
    params: logsParams,
    justification,
    minutes,
  });
}

describe("policy changes reach waiting requests and live grants", () => {
  it("caps the grant by the maximum in force at approval, not the one the request was made under", async () => {
    const { id } = await logsRequest(ines, 60);
    await setPolicy("logs.query", { maxDurationMinutes: 5 });
    try {
      const grantId = await approveAsSeen(priya, id);
      const [grant] = await t.db
        .select({
          minutes: sql<number>`extract(epoch from ${grants.expiresAt} - ${grants.notBefore})::int / 60`,
        })
        .from(grants)
        .where(eq(grants.id, grantId));
      expect(grant?.minutes).toBe(5);
    } finally {
      await setPolicy("logs.query", { maxDurationMinutes: 60 });
    }
  });

  it("refuses the use of a live grant once it has lasted longer than the maximum now in force", async () => {
    const { id } = await logsRequest(ines, 30);
    const grantId = await approveAsSeen(priya, id);
    // Ten minutes into the grant (moved by the schema owner; the app never rewrites a grant's start).
    await asOwnerUnguarded(
      t.owner.sql,
      ["grants"],
      (sql) => sql`update grants set not_before = not_before - interval '10 minutes' where id = ${grantId}`,
    );
    await setPolicy("logs.query", { maxDurationMinutes: 5 });
    try {
      const refused = await failure(ines.actions.execute({ caseId, grantId, params: logsParams }));
      expect(refused.code).toBe("FORBIDDEN");
      expect(refused.message).toMatch(/at most 5 minutes/);
      const [row] = await t.db.select({ uses: grants.uses }).from(grants).where(eq(grants.id, grantId));
      expect(row?.uses).toBe(0);
    } finally {
      await setPolicy("logs.query", { maxDurationMinutes: 60 });
    }
    await ines.actions.execute({ caseId, grantId, params: logsParams });
  });

  it("records with each decision the policy version and why the approver was allowed", async () => {
    const { id } = await logsRequest();
    await approveAsSeen(priya, id);
    const { version } = await policy("logs.query");
    const [row] = await t.db.select().from(approvals).where(eq(approvals.requestId, id));
    expect(row).toMatchObject({ approverRoles: ["approver"], approverClearance: 4, policyVersion: version });
    const [entry] = await ledger("request.approved", id);
    expect(entry?.payload).toMatchObject({
      approver: { roles: ["approver"], clearance: 4 },
      policyVersion: version,
    });
    const review = await ines.requests.review({ requestId: id });
    expect(review.decisions[0]).toMatchObject({
      approverRoles: ["approver"],
      approverClearance: 4,
      policyVersion: version,
    });
  });

  it("ledgers the seeded demo users' roles like any other role assignment", async () => {
    const granted = await ledger("user.role_granted");
    expect(granted.map((e) => `${String(e.payload.email)}:${String(e.payload.role)}`)).toEqual(
      expect.arrayContaining([
        "ines.ortega@casefile.demo:investigator",
        "priya.raman@casefile.demo:approver",
      ]),
    );
  });

  it("disabling an action is a kill switch: pending requests refused, live grants revoked, people told", async () => {
    const pending = await logsRequest();
    const live = await logsRequest();
    const grantId = await approveAsSeen(priya, live.id);
    const seen: LiveEvent[] = [];
    const stop = await liveHub(t.db).subscribe((e) => seen.push(e));
    await setPolicy("logs.query", { enabled: false });
    try {
      const review = await priya.requests.review({ requestId: pending.id });
      expect(review.request.status).toBe("denied");
      expect(review.request.outcomeNote).toMatch(/disabled by policy/);
      const decided = await failure(
        priya.requests.decide({
          requestId: pending.id,
          paramsHashSeen: review.request.paramsHash,
          decision: "approve",
        }),
      );
      expect(decided.code).toBe("CONFLICT");
      expect(await ledger("request.refused_by_policy", pending.id)).toHaveLength(1);

      const run = await failure(ines.actions.execute({ caseId, grantId, params: logsParams }));
      expect(run.code).toBe("FORBIDDEN");
      expect((await ledger("grant.revoked", grantId))[0]?.payload).toMatchObject({ by: "policy" });
      await expect
        .poll(() => seen.filter((e) => e.kind === "grant.revoked" && e.requestId === live.id).length)
        .toBe(1);
    } finally {
      stop();
      await setPolicy("logs.query", { enabled: true });
    }
  });
});

describe("break-glass", () => {
  const ask = {
    caseId,
    actionKey: "logs.query",
    params: logsParams,
    reason: "Active exfiltration at 03:00 and no approver answers the phone.",
    minutes: 10,
  };

  it("needs a second factor for every break-glass, not only the first", async () => {
    const { recoveryCodes } = await enrol(ines);
    await ines.requests.breakGlass({ ...ask, secondFactorCode: recoveryCodes[0] });
    // The session proved a second factor a moment ago; that is not enough for another one.
    const error = await failure(ines.requests.breakGlass(ask));
    expect([error.code, fieldOf(error)]).toEqual(["PRECONDITION_FAILED", "secondFactorCode"]);
    expect(await ledger("request.break_glass")).toHaveLength(1);
  });

  it("is limited per person per day, even when tried in parallel, and each one is told live", async () => {
    const person = await addUser("night.shift@casefile.demo", ["investigator"], 3);
    await ines.cases.members.add({ caseId, userId: person.id, access: "write" });
    const caller = await callerFor(t.db, "night.shift@casefile.demo");
    const { recoveryCodes } = await enrol(caller);
    await setPolicy("logs.query", {
      breakGlassPerDay: 3,
      breakGlassMinutesPerDay: 100,
      breakGlassMaxUnreviewed: 10,
    });
    const seen: LiveEvent[] = [];
    const stop = await liveHub(t.db).subscribe((e) => seen.push(e));
    const results = await Promise.allSettled(
      recoveryCodes.slice(0, 6).map((code) => caller.requests.breakGlass({ ...ask, secondFactorCode: code })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as TRPCError] : []));
    expect(refused.map((e) => e.code)).toEqual([
      "TOO_MANY_REQUESTS",
      "TOO_MANY_REQUESTS",
      "TOO_MANY_REQUESTS",
    ]);
    expect(await ledger("request.break_glass_refused", person.id)).toHaveLength(3);
    await expect.poll(() => seen.filter((e) => e.kind === "break_glass").length).toBe(3);
    for (const event of seen.filter((e) => e.kind === "break_glass")) {
      expect(event.roles).toEqual(expect.arrayContaining(["approver", "compliance"]));
    }
    stop();
  });

  it("is limited in cumulative minutes and in how many may await review", async () => {
    const person = await addUser("weekend.shift@casefile.demo", ["investigator"], 3);
    await ines.cases.members.add({ caseId, userId: person.id, access: "write" });
    const caller = await callerFor(t.db, "weekend.shift@casefile.demo");
    const { recoveryCodes } = await enrol(caller);
    const codes = [...recoveryCodes];
    await setPolicy("logs.query", {
      breakGlassPerDay: 10,
      breakGlassMinutesPerDay: 25,
      breakGlassMaxUnreviewed: 2,
    });
    const first = await caller.requests.breakGlass({ ...ask, minutes: 15, secondFactorCode: codes.shift() });
    const minutes = await failure(
      caller.requests.breakGlass({ ...ask, minutes: 15, secondFactorCode: codes.shift() }),
    );
    expect([minutes.code, fieldOf(minutes)]).toEqual(["TOO_MANY_REQUESTS", "minutes"]);
    await caller.requests.breakGlass({ ...ask, minutes: 5, secondFactorCode: codes.shift() });
    await setPolicy("logs.query", { breakGlassMinutesPerDay: 100 });
    const open = await failure(
      caller.requests.breakGlass({ ...ask, minutes: 5, secondFactorCode: codes.shift() }),
    );
    expect(open.message).toMatch(/2 break-glass grant\(s\) awaiting review/);
    await carla.requests.reviewBreakGlass({
      requestId: first.requestId,
      verdict: "justified",
      note: "On-call log confirms nobody answered.",
    });
    await caller.requests.breakGlass({ ...ask, minutes: 5, secondFactorCode: codes.shift() });
  });
});

describe("executor step-up", () => {
  it("is on by default for critical actions and asked for when a critical action is requested", async () => {
    expect((await policy("host.isolate")).executorStepUp).toBe(true);
    expect((await policy("logs.query")).executorStepUp).toBe(false);
    // A new session: no second factor proved in it yet.
    const fresh = await callerFor(t.db, "ines.ortega@casefile.demo");
    const error = await failure(
      fresh.requests.create({
        caseId,
        actionKey: "host.isolate",
        params: { hostId: "WS-0042" },
        justification: "Host WS-0042 beacons to a known C2 address every 60 seconds.",
        minutes: 15,
      }),
    );
    expect([error.code, fieldOf(error)]).toEqual(["PRECONDITION_FAILED", "secondFactorCode"]);
  });

  it("is checked again when the grant is run, and a refusal spends no use", async () => {
    await setPolicy("logs.query", { executorStepUp: true });
    const person = await addUser("day.shift@casefile.demo", ["investigator"], 3);
    await ines.cases.members.add({ caseId, userId: person.id, access: "write" });
    const { recoveryCodes } = await enrol(await callerFor(t.db, "day.shift@casefile.demo"));
    const asker = await callerFor(t.db, "day.shift@casefile.demo");
    const { id } = await asker.requests.create({
      caseId,
      actionKey: "logs.query",
      params: logsParams,
      justification,
      minutes: 30,
      secondFactorCode: recoveryCodes[0],
    });
    const grantId = await approveAsSeen(priya, id);
    const runner = await callerFor(t.db, "day.shift@casefile.demo");
    const refused = await failure(runner.actions.execute({ caseId, grantId, params: logsParams }));
    expect([refused.code, fieldOf(refused)]).toEqual(["PRECONDITION_FAILED", "secondFactorCode"]);
    const [unspent] = await t.db.select({ uses: grants.uses }).from(grants).where(eq(grants.id, grantId));
    expect(unspent?.uses).toBe(0);
    const run = await runner.actions.execute({
      caseId,
      grantId,
      params: logsParams,
      secondFactorCode: recoveryCodes[1],
    });
    expect(run.status).toBe("succeeded");
    await setPolicy("logs.query", { executorStepUp: false });
  });
});
