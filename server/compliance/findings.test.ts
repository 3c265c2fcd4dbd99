/**
 * Each detector on a seeded scenario: it fires on the pattern and stays silent on
 * the normal activity around it. Then deduplication and triage.
 */
import { TRPCError } from "@trpc/server";

import { describe, expect, it } from "vitest";
import { users, type Role } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { recordEvent } from "../ledger/record-event";
import { testIntegrator } from "../ledger/testing";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { asOwnerUnguarded } from "../testing/unguarded";
import { giveRoles } from "../testing/roles";
import { runDetectors } from "./findings";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const { integrator } = await testIntegrator(t.ledger.db);

async function person(email: string, roles: Role[], timeZone: string | null = null) {
  const [row] = await t.db
    .insert(users)
    .values({ email, name: email.split("@")[0] ?? email, clearance: 4, timeZone })
    .returning();
  if (!row) throw new Error("no user");
  await giveRoles(t.db, row.id, roles);
  return row.id;
}
const idOf = async (email: string) =>
  (await t.owner.sql<{ id: string }[]>`select id from users where email = ${email}`)[0]?.id ?? "";
const ines = await idOf("ines.ortega@casefile.demo");
const marcus = await idOf("marcus.webb@casefile.demo");
const priya = await idOf("priya.raman@casefile.demo");
const tom = await idOf("tom.becker@casefile.demo");
const ana = await person("ana.approver@casefile.demo", ["approver"]);
const ben = await person("ben.approver@casefile.demo", ["approver"]);
const zoe = await person("zoe.burst@casefile.demo", ["investigator"]);
const lee = await person("lee.late@casefile.demo", ["investigator"]);
const kenji = await person("kenji.tokyo@casefile.demo", ["investigator"], "Asia/Tokyo");

const inesCaller = await callerFor(t.db, "ines.ortega@casefile.demo");
const { id: caseId } = await inesCaller.cases.create({
  title: "Open case",
  summary: "",
  severity: 3,
  tlp: "amber",
});
const { id: closedCaseId, key: closedKey } = await inesCaller.cases.create({
  title: "Closed case",
  summary: "",
  severity: 2,
  tlp: "green",
});
await t.owner
  .sql`update cases set status = 'closed', resolution = 'true_positive', closed_at = date_trunc('week', now() - interval '7 days') where id = ${closedCaseId}`;

// A weekday morning in UTC, a few days ago: normal working time.
const [{ monday } = { monday: new Date() }] = await t.owner.sql<{ monday: Date }[]>`
  select date_trunc('week', now() - interval '7 days') + interval '1 day 10 hours' as monday`;
const at = (minutes: number) => new Date(new Date(monday).getTime() + minutes * 60_000);

type Seed = {
  requester: string;
  approver?: string;
  decision?: "approve" | "deny";
  createdAt: Date;
  decideAfterSeconds?: number;
  comment?: string;
  grantMinutes?: number;
  maxUses?: number;
  uses?: number;
  executeAtMinute?: number;
  breakGlass?: boolean;
  onCase?: string;
};
/** One request with its decision, grant and execution, written directly with the times a scenario needs. */
async function seed(s: Seed) {
  const status = s.breakGlass
    ? "approved"
    : s.decision === "approve"
      ? "approved"
      : s.decision === "deny"
        ? "denied"
        : "pending";
  const decided = new Date(s.createdAt.getTime() + (s.decideAfterSeconds ?? 600) * 1000);
  const [r] = await t.owner.sql<{ id: string }[]>`
    insert into action_requests (case_id, action_key, params, params_hash, justification, requested_minutes, status, requester_id, break_glass, created_at, expires_at, decided_at)
    values (${s.onCase ?? caseId}, 'logs.query', '{}'::jsonb, ${"a".repeat(64)}, 'seeded for a detector scenario', 30, ${status}, ${s.requester},
      ${s.breakGlass ?? false}, ${s.createdAt.toISOString()}, ${new Date(s.createdAt.getTime() + 3_600_000).toISOString()}, ${status === "pending" ? null : decided.toISOString()}) returning id`;
  const requestId = r?.id ?? "";
  if (s.breakGlass) await t.owner.sql`insert into break_glass_reviews (request_id) values (${requestId})`;
  const { approver, decision } = s;
  if (approver && decision)
    // A decision written as it stood, with no ledger entry: the owner, triggers off.
    await asOwnerUnguarded(
      t.owner.sql,
      ["approvals"],
      (sql) =>
        sql`insert into approvals (request_id, approver_id, decision, comment, params_hash_seen, created_at)
      values (${requestId}, ${approver}, ${decision}, ${s.comment ?? ""}, ${"a".repeat(64)}, ${decided.toISOString()})`,
    );
  if (status === "approved") {
    const minutes = s.grantMinutes ?? 30;
    // A used grant written as it stood (issued grants start unused): the owner, triggers off.
    const [g] = await asOwnerUnguarded(
      t.owner.sql,
      ["grants"],
      (sql) => sql<{ id: string }[]>`
      insert into grants (request_id, case_id, action_key, grantee_id, scope, not_before, expires_at, max_uses, uses, break_glass, created_at)
      values (${requestId}, ${s.onCase ?? caseId}, 'logs.query', ${s.requester}, '{}'::jsonb, ${decided.toISOString()}, ${new Date(decided.getTime() + minutes * 60_000).toISOString()},
        ${s.maxUses ?? 1}, ${s.uses ?? 1}, ${s.breakGlass ?? false}, ${decided.toISOString()}) returning id`,
    );
    if (s.executeAtMinute !== undefined)
      await t.owner
        .sql`insert into executions (grant_id, case_id, action_key, params, executor_id, status, started_at, finished_at)
        values (${g?.id ?? ""}, ${s.onCase ?? caseId}, 'logs.query', '{}'::jsonb, ${s.requester}, 'succeeded',
          ${new Date(decided.getTime() + s.executeAtMinute * 60_000).toISOString()}, ${new Date(decided.getTime() + s.executeAtMinute * 60_000).toISOString()})`;
  }
  return requestId;
}

// Normal activity: Marcus's requests, decided by three approvers in turn, after ten minutes, with a comment, used.
for (let i = 0; i < 6; i++)
  await seed({
    requester: marcus,
    approver: [priya, ana, ben][i % 3],
    decision: "approve",
    createdAt: at(i * 1440),
    comment: "Matches the case timeline.",
    executeAtMinute: 5,
  });
for (let i = 0; i < 3; i++)
  await seed({
    requester: marcus,
    approver: priya,
    decision: "approve",
    createdAt: at(i * 1440 + 60),
    comment: "Scoped to the window.",
    executeAtMinute: 3,
  });
// Kenji works from Tokyo: 01:00 UTC on a weekday is 10:00 for him.
for (let i = 0; i < 3; i++) await seed({ requester: kenji, createdAt: at(i * 1440 - 540) });

// Patterns.
for (let i = 0; i < 6; i++)
  // Tom approves Ines's requests within seconds, silently, with long unused grants.
  await seed({
    requester: ines,
    approver: tom,
    decision: "approve",
    createdAt: at(i * 1440 + 120),
    decideAfterSeconds: 4,
    grantMinutes: 240,
    uses: 0,
  });
for (let i = 0; i < 3; i++) await seed({ requester: marcus, createdAt: at(5 * 1440 - 420 + i * 20) }); // Saturday 03:00
for (let i = 0; i < 10; i++) await seed({ requester: zoe, createdAt: at(200 + i * 0.4) });
for (let i = 0; i < 2; i++)
  await seed({
    requester: lee,
    approver: ana,
    decision: "approve",
    createdAt: at(i * 1440 + 300),
    comment: "Fine.",
    executeAtMinute: 29,
  });
const breakGlassId = await seed({ requester: marcus, createdAt: at(400), breakGlass: true });
const lateId = await seed({
  requester: ines,
  // After the case closed, on a weekday afternoon (not off-hours whenever the suite runs).
  createdAt: at(1440 + 180),
  onCase: closedCaseId,
});
await recordEvent(t.db, {
  type: "request.self_approval_refused",
  actor: { id: tom, name: "tom.becker" },
  subjects: [lateId],
  payload: { actionKey: null, reason: "own request" },
});
for (let i = 0; i < 3; i++)
  await recordEvent(t.db, {
    type: "action.denied_attempt",
    actor: { id: marcus, name: "Marcus Webb" },
    subjects: [crypto.randomUUID()],
    payload: { actionKey: "logs.query", reason: "outside the granted scope", params: null },
  });
await recordEvent(t.db, {
  type: "action.denied_attempt",
  actor: { id: ines, name: "Ines Ortega" },
  subjects: [crypto.randomUUID()],
  payload: { actionKey: "logs.query", reason: "expired", params: null },
});
await recordEvent(t.db, {
  type: "ledger.verified",
  actor: null,
  payload: {
    ok: false,
    entries: 10,
    checkpointsChecked: 1,
    firstBadSeq: 3,
    problem: "entry 3 does not match its leaf hash",
    state: { ok: true, rows: 0, mismatches: 0, first: [] },
  },
});
await integrator.drain();

async function findingRows() {
  return t.owner.sql<
    {
      detector: string;
      dedup_key: string;
      severity: string;
      status: string;
      subject_user_id: string | null;
      evidence: Record<string, unknown[]>;
    }[]
  >`
    select detector, dedup_key, severity::text, status::text, subject_user_id, evidence from findings order by dedup_key`;
}
const report = await runDetectors(t.db, { orgTimeZone: "UTC" });
const found = await findingRows();
const about = (detector: string) => found.filter((f) => f.detector === detector);
const subjects = (detector: string) => about(detector).map((f) => f.subject_user_id);

describe("detectors", () => {
  it("run every detector and report their times", () => {
    expect(report.map((r) => r.detector)).toHaveLength(14);
    expect(report.every((r) => r.ms >= 0)).toBe(true);
  });
  it("ledger verification failure: critical", () => {
    expect(about("ledger_verification")).toMatchObject([
      { severity: "critical", dedup_key: "ledger_verification:ledger" },
    ]);
  });
  it("self-approval attempts: Tom only", () => expect(subjects("self_approval")).toEqual([tom]));
  it("break-glass: the use, high while its review is open", () => {
    expect(about("break_glass")).toMatchObject([
      { severity: "high", dedup_key: `break_glass:${breakGlassId}` },
    ]);
  });
  it("rubber-stamping: Tom, not the approvers who read and comment", () => {
    expect(subjects("rubber_stamping")).toEqual([tom]);
    expect(about("rubber_stamping")[0]?.evidence.approvals).toHaveLength(6);
  });
  it("wider grants than peers: Tom's 240-minute grants, not the 30-minute ones", () =>
    expect(subjects("wide_grants")).toEqual([tom]));
  it("off-hours: Marcus's Saturday requests, not Kenji's mornings in Tokyo", () =>
    expect(subjects("off_hours")).toEqual([marcus]));
  it("pair concentration: Tom deciding all of Ines's requests, not Marcus's shared approvers", () => {
    expect(about("pair_concentration").map((f) => f.dedup_key)).toEqual([
      `pair_concentration:${ines}:${tom}`,
    ]);
  });
  it("request bursts: Zoe's ten in four minutes", () => expect(subjects("request_bursts")).toEqual([zoe]));
  it("scope probing: Marcus's three refusals, not Ines's one", () =>
    expect(subjects("scope_probing")).toEqual([marcus]));
  it("unused grants: Ines's, not the used ones", () => expect(subjects("unused_grants")).toEqual([ines]));
  it("last-minute executions: Lee's", () => expect(subjects("last_minute")).toEqual([lee]));
  it("closed-case activity: the closed case only", () => {
    expect(about("closed_case_activity")).toMatchObject([
      { dedup_key: `closed_case_activity:${closedCaseId}`, severity: "high" },
    ]);
    expect(closedKey).toMatch(/^CASE-/);
  });
  it("stay silent on a database with only normal activity", async () => {
    const clean = await testDatabase();
    await seedDemo(clean.db, "x-password-for-tests");
    expect((await runDetectors(clean.db, { orgTimeZone: "UTC" })).every((r) => r.hits === 0)).toBe(true);
  });
});

describe("findings", () => {
  const carla = callerFor(t.db, "carla.nguyen@casefile.demo");
  async function failure(promise: Promise<unknown>): Promise<TRPCError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
    return error;
  }
  const ledger = async (type: string) =>
    (
      await t.ledger.sql<
        { n: number }[]
      >`select count(*)::int as n from ledger_inbox where body::jsonb ->> 'type' = ${type}`
    )[0]?.n ?? 0;

  it("are deduplicated: a second run adds nothing and opens nothing", async () => {
    const opened = await ledger("finding.opened");
    expect(opened).toBe(found.length);
    const again = await runDetectors(t.db, { orgTimeZone: "UTC" });
    expect(again.reduce((n, r) => n + r.opened, 0)).toBe(0);
    expect((await findingRows()).length).toBe(found.length);
    expect(await ledger("finding.opened")).toBe(opened);
  });

  it("are triaged step by step, each step a ledger entry, with the rows behind them", async () => {
    const c = await carla;
    const [rubber] = await c.compliance.findings.list({ detector: "rubber_stamping" });
    const detail = await c.compliance.findings.get({ findingId: rubber?.id ?? "" });
    expect(detail.rows.approvals).toHaveLength(6);
    expect(detail.rows.approvals.every((a) => a.seconds <= 5 && a.comment === "")).toBe(true);
    await c.compliance.findings.triage({ findingId: rubber?.id ?? "", status: "acknowledged", note: "" });
    const noNote = await failure(
      c.compliance.findings.triage({ findingId: rubber?.id ?? "", status: "resolved", note: "" }),
    );
    expect((noNote.cause as { field?: string }).field).toBe("note");
    await c.compliance.findings.triage({
      findingId: rubber?.id ?? "",
      status: "resolved",
      note: "Talked to Tom; he reads them now.",
    });
    const again = await failure(
      c.compliance.findings.triage({ findingId: rubber?.id ?? "", status: "acknowledged", note: "x" }),
    );
    expect(again.code).toBe("CONFLICT");
    expect(await ledger("finding.triaged")).toBe(2);
    // A new instance of the pattern reopens a resolved finding.
    await seed({
      requester: ines,
      approver: tom,
      decision: "approve",
      createdAt: at(3000),
      decideAfterSeconds: 2,
      grantMinutes: 240,
      uses: 0,
    });
    await runDetectors(t.db, { orgTimeZone: "UTC", only: ["rubber_stamping"] });
    const [reopened] = await c.compliance.findings.list({ detector: "rubber_stamping" });
    expect(reopened?.status).toBe("open");
    expect(await ledger("finding.reopened")).toBe(1);
  });

  it("marked false positive stay so", async () => {
    const c = await carla;
    const [late] = await c.compliance.findings.list({ detector: "last_minute" });
    await c.compliance.findings.triage({
      findingId: late?.id ?? "",
      status: "false_positive",
      note: "Lee's runs were scheduled maintenance.",
    });
    await seed({
      requester: lee,
      approver: ana,
      decision: "approve",
      createdAt: at(3100),
      comment: "Fine.",
      executeAtMinute: 29,
    });
    await runDetectors(t.db, { orgTimeZone: "UTC", only: ["last_minute"] });
    expect((await c.compliance.findings.list({ detector: "last_minute" }))[0]?.status).toBe("false_positive");
  });

  it("cannot be triaged by the person they are about", async () => {
    await giveRoles(t.db, tom, ["compliance"]);
    const tomCaller = await callerFor(t.db, "tom.becker@casefile.demo");
    const [mine] = await tomCaller.compliance.findings.list({ detector: "self_approval" });
    const error = await failure(
      tomCaller.compliance.findings.triage({
        findingId: mine?.id ?? "",
        status: "false_positive",
        note: "Not me, honest.",
      }),
    );
    expect(error.code).toBe("FORBIDDEN");
  });

  it("have thresholds reviewers can change, validated by field", async () => {
    const c = await carla;
    await c.compliance.detectors.save({
      detector: "request_bursts",
      enabled: true,
      thresholds: { minRequests: 20, windowMinutes: 10, lookbackDays: 30 },
    });
    const hits = await runDetectors(t.db, { orgTimeZone: "UTC", only: ["request_bursts"] });
    expect(hits[0]?.hits).toBe(0);
    const bad = await failure(
      c.compliance.detectors.save({ detector: "request_bursts", enabled: true, thresholds: { nonsense: 1 } }),
    );
    expect((bad.cause as { field?: string }).field).toBe("thresholds.nonsense");
    expect(await ledger("compliance.detector.updated")).toBe(1);
  });
});
