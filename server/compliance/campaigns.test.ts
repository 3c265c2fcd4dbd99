/**
 * Review campaigns against a real PostgreSQL: requests and decisions are made through callers,
 * then moved in time with the owner's connection so a campaign's period picks exactly some.
 */
import { TRPCError } from "@trpc/server";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { reviewCampaigns, users, type Role } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { loadSessionUser } from "../auth/sessions";
import { DomainError } from "../errors";
import { dbNow } from "../requests/params";
import { callerFor, sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { asOwnerUnguarded } from "../testing/unguarded";
import { giveRoles } from "../testing/roles";
import { CSV_HEADER, campaignCsv } from "./campaign-csv";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);

async function addUser(email: string, roles: Role[], clearance: number) {
  const [row] = await t.db
    .insert(users)
    .values({ email, name: email.split("@")[0] ?? email, clearance })
    .returning();
  if (!row) throw new Error("no user");
  await giveRoles(t.db, row.id, roles);
  return row;
}
// People who hold compliance next to another role: they must not review their own part.
await addUser("auditing.approver@casefile.demo", ["approver", "compliance"], 4);
await addUser("auditing.investigator@casefile.demo", ["investigator", "compliance"], 3);

const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const tom = await callerFor(t.db, "tom.becker@casefile.demo");
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
const carla = await callerFor(t.db, "carla.nguyen@casefile.demo");
const auditingApprover = await callerFor(t.db, "auditing.approver@casefile.demo");
const auditingInvestigator = await callerFor(t.db, "auditing.investigator@casefile.demo");

const { id: caseId, key: caseKey } = await ines.cases.create({
  title: "Payroll mailbox rule",
  summary: "",
  severity: 3,
  tlp: "amber",
});
const candidates = await ines.cases.members.candidates({ caseId });
const investigatorId = candidates.find((u) => u.email === "auditing.investigator@casefile.demo")?.id ?? "";
await ines.cases.members.add({ caseId, userId: investigatorId, access: "write" });

const logs = {
  table: "auth_logs",
  columns: ["ts", "src_ip"],
  subject: "h.berg",
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-20T00:00:00Z",
  rowCap: 100,
};

/** A logs query asked by `asker` and decided by `decider`; returns the approval's and grant's ids. */
async function decided(asker: typeof ines, decider: typeof tom, decision: "approve" | "deny") {
  const { id: requestId } = await asker.requests.create({
    caseId,
    actionKey: "logs.query",
    params: logs,
    justification: "Sign-ins of h.berg on the night the mailbox rule appeared, for the timeline.",
    minutes: 10,
  });
  const { request } = await decider.requests.review({ requestId });
  const { grantId } = await decider.requests.decide({
    requestId,
    paramsHashSeen: request.paramsHash,
    ...(decision === "approve" ? { decision } : { decision, comment: "Ask for a narrower window." }),
  });
  const [row] = await t.owner.sql<{ id: string }[]>`select id from approvals where request_id = ${requestId}`;
  return { requestId, approvalId: row?.id ?? "", grantId };
}

/** Moves a decision (and its request) `days` into the past, as if made then. */
async function daysAgo(requestId: string, days: number) {
  await t.owner
    .sql`update action_requests set created_at = now() - make_interval(days => ${days}) - interval '5 minutes'
    where id = ${requestId}`;
  // Approvals are written once: the owner moves this one with the table's triggers off.
  await asOwnerUnguarded(
    t.owner.sql,
    ["approvals"],
    (sql) =>
      sql`update approvals set created_at = now() - make_interval(days => ${days}) where request_id = ${requestId}`,
  );
}

const a = await decided(ines, tom, "approve");
const b = await decided(ines, priya, "deny");
const e = await decided(ines, auditingApprover, "approve"); // decided by a compliance reviewer
const f = await decided(auditingInvestigator, tom, "approve"); // asked by a compliance reviewer
const before = await decided(ines, tom, "approve");
const after = await decided(ines, tom, "approve");
await ines.actions.execute({ caseId, grantId: a.grantId ?? "", params: logs });
for (const d of [a, b, e, f]) await daysAgo(d.requestId, 7);
await daysAgo(before.requestId, 20);
await daysAgo(after.requestId, 2);

const DAY = 24 * 60 * 60 * 1000;
const now = await dbNow(t.db);
const period = {
  periodStart: new Date(now.getTime() - 10 * DAY),
  periodEnd: new Date(now.getTime() - 5 * DAY),
};

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}
const fieldOf = (error: TRPCError) => (error.cause as { field?: string } | undefined)?.field;

async function ledger(type: string, subject: string) {
  const rows = await t.ledger.sql<{ body: string }[]>`
    select body from ledger_inbox where body::jsonb ->> 'type' = ${type} and body::jsonb -> 'subjects' ? ${subject}
    order by id`;
  return rows.map((r) => JSON.parse(r.body) as { payload: Record<string, unknown>; caseKey: string | null });
}

describe("opening a campaign", () => {
  it("is for compliance reviewers only", async () => {
    expect((await failure(ines.campaigns.list())).code).toBe("FORBIDDEN");
    expect((await failure(tom.campaigns.open({ title: "Mine", ...period }))).code).toBe("FORBIDDEN");
  });

  it("refuses a bad period, naming the field, and stores nothing", async () => {
    const cases: [Parameters<typeof carla.campaigns.open>[0], string][] = [
      [{ title: "Backwards", periodStart: period.periodEnd, periodEnd: period.periodStart }, "periodEnd"],
      [
        {
          title: "Future",
          periodStart: new Date(now.getTime() + DAY),
          periodEnd: new Date(now.getTime() + 2 * DAY),
        },
        "periodStart",
      ],
      [{ title: "Too long", periodStart: new Date(now.getTime() - 400 * DAY), periodEnd: now }, "periodEnd"],
      [{ title: "  ", ...period }, "title"],
    ];
    const stored = (await t.db.select().from(reviewCampaigns)).length;
    for (const [input, field] of cases) {
      const error = await failure(carla.campaigns.open(input));
      expect(error.code).toBe("BAD_REQUEST");
      expect(fieldOf(error)).toBe(field);
    }
    expect(await t.db.select().from(reviewCampaigns)).toHaveLength(stored);
  });
});

const { id: campaignId } = await carla.campaigns.open({ title: "Q4 access review, week 46", ...period });

describe("a campaign over a closed period", () => {
  it("is a ledger entry and lists exactly the decisions of its period, with their context", async () => {
    const [opened] = await ledger("review_campaign.opened", campaignId);
    expect(opened?.payload).toMatchObject({ title: "Q4 access review, week 46" });
    const { items, hasMore } = await carla.campaigns.get({ campaignId });
    expect(hasMore).toBe(false);
    expect(items.map((i) => i.approvalId).sort()).toEqual([a, b, e, f].map((d) => d.approvalId).sort());
    const first = items.find((i) => i.approvalId === a.approvalId);
    expect(first).toMatchObject({
      decision: "approve",
      approverName: "Tom Becker",
      requesterName: "Ines Ortega",
      caseKey,
      caseSeverity: 3,
      actionKey: "logs.query",
      riskTier: "medium",
      breakGlass: false,
      grant: { uses: 1, maxUses: 1 },
      attestation: null,
      mine: null,
    });
    expect(first?.executions.map((x) => x.status)).toEqual(["succeeded"]);
    expect(first?.secondsToDecision).toBeGreaterThanOrEqual(300);
    const denied = items.find((i) => i.approvalId === b.approvalId);
    expect(denied).toMatchObject({ decision: "deny", comment: "Ask for a narrower window.", grant: null });
    const list = await carla.campaigns.list();
    expect(list.find((c) => c.id === campaignId)).toMatchObject({ total: 4, attested: 0 });
  });

  it("takes both verdicts; inappropriate needs a note; progress counts them", async () => {
    await carla.campaigns.attest({ campaignId, approvalId: a.approvalId, verdict: "appropriate" });
    const error = await failure(
      carla.campaigns.attest({ campaignId, approvalId: b.approvalId, verdict: "inappropriate", note: "no" }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(fieldOf(error)).toBe("note");
    await carla.campaigns.attest({
      campaignId,
      approvalId: b.approvalId,
      verdict: "inappropriate",
      note: 'Denied, but "too broad", not: wrong',
    });
    const { campaign, items } = await carla.campaigns.get({ campaignId, filter: "unattested" });
    expect(campaign).toMatchObject({ total: 4, attested: 2, inappropriate: 1 });
    expect(items.map((i) => i.approvalId).sort()).toEqual([e.approvalId, f.approvalId].sort());
    const [entry] = await ledger("review_campaign.attested", b.approvalId);
    expect(entry).toMatchObject({ caseKey, payload: { verdict: "inappropriate" } });
  });

  it("refuses a decision outside its period", async () => {
    for (const d of [before, after]) {
      const error = await failure(
        carla.campaigns.attest({ campaignId, approvalId: d.approvalId, verdict: "appropriate" }),
      );
      expect(error.code).toBe("NOT_FOUND");
    }
  });

  it("keeps reviewers from attesting a decision they made or a request they asked for", async () => {
    const own = await auditingApprover.campaigns.get({ campaignId });
    expect(own.items.find((i) => i.approvalId === e.approvalId)?.mine).toBe("decided");
    for (const [caller, approvalId] of [
      [auditingApprover, e.approvalId],
      [auditingInvestigator, f.approvalId],
    ] as const) {
      const error = await failure(
        caller.campaigns.attest({ campaignId, approvalId, verdict: "appropriate" }),
      );
      expect(error.code).toBe("FORBIDDEN");
    }
    expect((await carla.campaigns.get({ campaignId })).campaign.attested).toBe(2);
  });

  it("changes a verdict on re-attestation, with its own ledger entry naming the previous one", async () => {
    const result = await auditingApprover.campaigns.attest({
      campaignId,
      approvalId: a.approvalId,
      verdict: "inappropriate",
      note: '=HYPERLINK("x") granted to the wrong person,\nsee ticket 12',
    });
    expect(result).toEqual({ changed: true, previous: "appropriate" });
    const [changed] = await ledger("review_campaign.attestation_changed", a.approvalId);
    expect(changed?.payload).toMatchObject({ verdict: "inappropriate", previousVerdict: "appropriate" });
    expect((await carla.campaigns.get({ campaignId })).campaign).toMatchObject({
      attested: 2,
      inappropriate: 2,
    });
  });

  it("exports every decision as RFC 4180 CSV with UTC times", async () => {
    const session = await loadSessionUser(t.db, await sessionFor(t.db, "carla.nguyen@casefile.demo"));
    if (!session) throw new Error("no session");
    const { csv, filename } = await campaignCsv(t.db, session, campaignId);
    expect(filename).toMatch(/^q4-access-review-week-46-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.endsWith("\r\n")).toBe(true);
    const rows = parse<Record<string, string>>(csv, { columns: true });
    expect(Object.keys(rows[0] ?? {})).toEqual(CSV_HEADER);
    expect(rows).toHaveLength(4);
    const row = rows.find((r) => r.approval_id === a.approvalId);
    expect(row).toMatchObject({
      decision: "approve",
      verdict: "inappropriate",
      grant_uses: "1",
      executions: "1",
    });
    // A note that would run as a spreadsheet formula is defused; quotes and line breaks survive.
    expect(row?.note).toBe('\'=HYPERLINK("x") granted to the wrong person,\nsee ticket 12');
    expect(row?.decided_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(rows.find((r) => r.approval_id === b.approvalId)?.note).toBe(
      'Denied, but "too broad", not: wrong',
    );
    const tomSession = await loadSessionUser(t.db, await sessionFor(t.db, "tom.becker@casefile.demo"));
    if (!tomSession) throw new Error("no session");
    await expect(campaignCsv(t.db, tomSession, campaignId)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(campaignCsv(t.db, session, crypto.randomUUID())).rejects.toBeInstanceOf(DomainError);
  });

  it("closes only when complete or with a reason; a closed campaign takes no attestations", async () => {
    const error = await failure(carla.campaigns.close({ campaignId }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(fieldOf(error)).toBe("reason");
    expect(error.message).toContain("2 of 4");
    for (const d of [e, f])
      await carla.campaigns.attest({ campaignId, approvalId: d.approvalId, verdict: "appropriate" });
    expect(await carla.campaigns.close({ campaignId })).toEqual({ complete: true });
    const [closed] = await ledger("review_campaign.closed", campaignId);
    expect(closed?.payload).toMatchObject({ total: 4, attested: 4, complete: true, reason: null });
    const late = await failure(
      carla.campaigns.attest({ campaignId, approvalId: a.approvalId, verdict: "appropriate" }),
    );
    expect(late.code).toBe("PRECONDITION_FAILED");
    expect((await failure(carla.campaigns.close({ campaignId }))).code).toBe("CONFLICT");
  });
});

describe("a campaign whose period is still running", () => {
  it("needs a reason to close, and records it", async () => {
    const { id } = await carla.campaigns.open({
      title: "This month so far",
      periodStart: new Date(now.getTime() - 3 * DAY),
      periodEnd: new Date(now.getTime() + 3 * DAY),
    });
    const { campaign, items } = await carla.campaigns.get({ campaignId: id });
    expect(items.map((i) => i.approvalId)).toEqual([after.approvalId]);
    expect(campaign).toMatchObject({ total: 1, attested: 0 });
    expect(fieldOf(await failure(carla.campaigns.close({ campaignId: id })))).toBe("reason");
    expect(
      await carla.campaigns.close({ campaignId: id, reason: "Superseded by the quarterly review" }),
    ).toEqual({
      complete: false,
    });
    const [closed] = await ledger("review_campaign.closed", id);
    expect(closed?.payload).toMatchObject({ complete: false, reason: "Superseded by the quarterly review" });
  });
});
