/**
 * No text anyone sends can stop the ledger: text no column can hold is refused at the edge, naming
 * the field; text from elsewhere is recorded escaped; and a row the log still refuses is set aside,
 * kept byte for byte, while everything behind it integrates.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { signInWithOidc } from "../auth/oidc";
import { signInWithPassword } from "../auth/sign-in";
import { approveAsSeen, callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { appendTestEntry, TEST_ORIGIN, testIntegrator } from "./testing";
import { verifyStoredLedger } from "./verify-db";
import { failure } from "../testing/failure";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const { integrator, verifier } = await testIntegrator(t.ledger.db);

const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
const sam = await callerFor(t.db, "sam.okafor@casefile.demo");
const { id: caseId } = await ines.cases.create({
  title: "Invoice fraud",
  summary: "",
  severity: 2,
  tlp: "amber",
});
const logs = {
  table: "auth_logs",
  columns: ["ts", "src_ip", "result"],
  subject: "j.doe@northwind-retail.example",
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-20T12:00:00Z",
  rowCap: 100,
};
const { id: requestId } = await ines.requests.create({
  caseId,
  actionKey: "logs.query",
  params: logs,
  justification: "Sign-ins of the phished user around the invoice wave.",
  minutes: 30,
});
const grantId = await approveAsSeen(priya, requestId);

async function verified() {
  const run = verifyStoredLedger(t.db, { verifier, origin: TEST_ORIGIN, outsideNotes: [] });
  for (;;) {
    const step = await run.next();
    if (step.done) return step.value;
  }
}

/** The ledger takes everything waiting, later entries too, and still verifies. */
async function ledgerKeepsMoving() {
  await integrator.drain();
  const after = await appendTestEntry(t.db, { type: "test.after", actor: null });
  await integrator.drain();
  const [row] = await t.sql<
    { seq: string }[]
  >`select seq from ledger_entries where entry_id = ${after.entryId}`;
  expect(row).toBeDefined();
  const report = await verified();
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
}

describe("a NUL in user text", () => {
  it("in action parameters is refused at the edge, naming the field, and the ledger keeps moving", async () => {
    const error = await failure(
      ines.actions.execute({ caseId, grantId, params: { ...logs, table: "auth_logs\u0000" } }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("params.table");
    await ledgerKeepsMoving();
  });

  it("is refused on every free-text path, with nothing written", async () => {
    const nul = "x\u0000y";
    const attempts: [string, Promise<unknown>][] = [
      [
        "justification",
        ines.requests.create({
          caseId,
          actionKey: "logs.query",
          params: logs,
          justification: `Sign-ins of the phished user ${nul}`,
          minutes: 30,
        }),
      ],
      [
        "params.subject",
        ines.requests.create({
          caseId,
          actionKey: "logs.query",
          params: { ...logs, subject: nul },
          justification: "Sign-ins of the phished user again.",
          minutes: 30,
        }),
      ],
      [
        "comment",
        priya.requests.decide({
          requestId,
          paramsHashSeen: "0".repeat(64),
          decision: "deny",
          comment: `no ${nul}`,
        }),
      ],
      ["reason", ines.actions.revokeGrant({ grantId, reason: nul })],
      ["title", ines.cases.create({ title: `Case ${nul}`, summary: "", severity: 1, tlp: "green" })],
      ["body", ines.cases.notes.add({ caseId, body: `note ${nul}` })],
      [
        "name",
        sam.admin.users.create({
          name: `Eve ${nul}`,
          email: "eve@casefile.demo",
          roles: ["investigator"],
          clearance: 1,
        }),
      ],
      [
        "justification",
        ines.requests.create({
          caseId,
          actionKey: "logs.query",
          params: logs,
          justification: "Lone half of a pair: \ud800 here.",
          minutes: 30,
        }),
      ],
    ];
    for (const [field, attempt] of attempts) {
      const error = await failure(attempt);
      expect(error.code, field).toBe("BAD_REQUEST");
      expect(error.message, field).toContain(field);
    }
    const [counts] = await t.sql<{ cases: number; users: number; requests: number }[]>`
      select (select count(*) from cases)::int as cases, (select count(*) from users where email = 'eve@casefile.demo')::int as users,
             (select count(*) from action_requests)::int as requests`;
    expect(counts).toEqual({ cases: 1, users: 0, requests: 1 });
    await ledgerKeepsMoving();
  });

  it("in a password sign-in is a failed sign-in, recorded, not a server error", async () => {
    const result = await signInWithPassword(
      t.db,
      { email: "ines.ortega\u0000@casefile.demo", password: "demo-password-for-tests" },
      { requestId: "t", ip: "192.0.2.1", userAgent: "vitest" },
    );
    expect(result).toEqual({ ok: false, reason: "invalid" });
    await ledgerKeepsMoving();
  });

  it("in an identity provider's claims is recorded escaped and the ledger keeps moving", async () => {
    const result = await signInWithOidc(
      t.db,
      { groupsClaim: "groups", groupRoles: [["soc-analysts", "investigator"]], groupClearance: [] },
      {
        iss: "https://idp.example",
        sub: "evil\u0000",
        email: "evil\u0000@example.com",
        groups: ["auth_logs\u0000", "half \udc00"],
      },
      { requestId: "t", ip: "192.0.2.1", userAgent: "vitest" },
    );
    expect(result.ok).toBe(false);
    await integrator.drain();
    const [row] = await t.sql<{ body: string; type: string }[]>`
      select body, type from ledger_entries where type = 'auth.sign_in_failed' order by seq desc limit 1`;
    expect(row?.body).toContain("auth_logs\\\\u0000");
    expect(row?.body).toContain("half \\\\udc00");
    await ledgerKeepsMoving();
  });

  it("written by any code straight into an entry is escaped, keys included", async () => {
    const receipt = await appendTestEntry(t.db, {
      type: "test.claims",
      actor: null,
      payload: { ["k\u0000"]: ["a\u0000b", "\ud800", "ok 😀"] },
    });
    await integrator.drain();
    const [row] = await t.sql<{ body: string; type: string }[]>`
      select body, type from ledger_entries where entry_id = ${receipt.entryId}`;
    expect(row?.type).toBe("test.claims");
    const payload = (JSON.parse(row?.body ?? "{}") as { payload: Record<string, string[]> }).payload;
    expect(payload).toEqual({ "k\\u0000": ["a\\u0000b", "\\ud800", "ok 😀"] });
    await ledgerKeepsMoving();
  });
});

describe("an inbox row the log cannot read or take", () => {
  it("is sealed as written, or quarantined with its bytes, and integration goes on", async () => {
    const [known] = await t.sql<
      { entry_id: string }[]
    >`select entry_id from ledger_entries order by seq limit 1`;
    const unreadable = [`{"type":"x","text":"\\u0000"}`, "not json at all", `{"half":"\\udc00"}`];
    for (const body of unreadable)
      await t.sql`insert into ledger_inbox (entry_id, body) values (${randomUUID()}, ${body})`;
    // An entry id the log already holds: the log refuses the row itself.
    await t.sql`insert into ledger_inbox (entry_id, body) values (${known?.entry_id ?? ""}, ${'{"type":"dup"}'})`;
    const behind = await appendTestEntry(t.db, { type: "test.behind_poison", actor: null });
    await integrator.drain();

    const sealed = await t.sql<{ seq: string; body: string; type: string | null }[]>`
      select seq, body, type from ledger_entries where body = any(${unreadable})`;
    expect(sealed.map((r) => r.body).sort()).toEqual([...unreadable].sort());
    expect(sealed.every((r) => r.type === null)).toBe(true);
    const quarantined = await t.sql<{ entry_id: string; body: string; reason: string }[]>`
      select entry_id, body, reason from ledger_quarantine`;
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ entry_id: known?.entry_id, body: '{"type":"dup"}' });
    expect(quarantined[0]?.reason).toContain("23505");
    const [after] = await t.sql`select seq from ledger_entries where entry_id = ${behind.entryId}`;
    expect(after).toBeDefined();
    // The tree and checkpoints hold; verification names exactly the sealed rows that are not
    // canonical entries (bytes no writer of the app produces), and nothing else.
    const report = await verified();
    const named = new Set(report.problems.map((p) => p.seq));
    expect([...named].sort()).toEqual(sealed.map((r) => Number(r.seq)).sort());
  });
});
