/**
 * The ledger proves the state it describes: the database refuses the changes the application
 * never makes, even from the application's own role, and reconciliation names every row an owner
 * changed behind the ledger's back (triggers off).
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { verifyAndRecord } from "../compliance/ledger-check";
import { runDetectors } from "../compliance/findings";
import { approveAsSeen, callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { giveRoles } from "../testing/roles";
import { asOwnerUnguarded } from "../testing/unguarded";
import { reconcileState } from "./reconcile";
import { TEST_ORIGIN, testIntegrator } from "./testing";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const { integrator, verifier } = await testIntegrator(t.ledger.db);

const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
const idOf = async (email: string) =>
  (await t.db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0]?.id ?? "";
const marcusId = await idOf("marcus.webb@casefile.demo");
const tomId = await idOf("tom.becker@casefile.demo");

const { id: caseId } = await ines.cases.create({
  title: "Payroll fraud",
  summary: "",
  severity: 3,
  tlp: "amber",
});
await ines.cases.members.add({ caseId, userId: marcusId, access: "read" });
const logs = {
  table: "auth_logs",
  columns: ["ts", "src_ip", "result"],
  subject: "j.doe@northwind-retail.example",
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-20T12:00:00Z",
  rowCap: 100,
};
async function grant() {
  const { id } = await ines.requests.create({
    caseId,
    actionKey: "logs.query",
    params: logs,
    justification: "Sign-ins of the payroll clerk around the change of bank details.",
    minutes: 30,
  });
  return { requestId: id, grantId: await approveAsSeen(priya, id) };
}
// A spent single-use grant, a revoked one, and a denied request.
const spent = await grant();
await ines.actions.execute({ caseId, grantId: spent.grantId, params: logs }).catch(() => undefined);
const ended = await grant();
await ines.actions.revokeGrant({ grantId: ended.grantId, reason: "Done with it" });
const { id: deniedId } = await ines.requests.create({
  caseId,
  actionKey: "logs.query",
  params: logs,
  justification: "A wider look at every sign-in of the payroll team.",
  minutes: 30,
});
const review = await priya.requests.review({ requestId: deniedId });
await priya.requests.decide({
  requestId: deniedId,
  paramsHashSeen: review.request.paramsHash,
  decision: "deny",
  comment: "Too wide for now",
});
await giveRoles(t.db, tomId, ["compliance"]);

async function refused(statement: Promise<unknown>): Promise<string> {
  const outcome = await statement.then(
    () => "accepted",
    (e: unknown) => String((e as { cause?: unknown }).cause ?? e),
  );
  expect(outcome).not.toBe("accepted");
  return outcome;
}

describe("state reconciliation of a working system", () => {
  it("finds every row accounted for, with entries integrated or still waiting", async () => {
    const waiting = await reconcileState(t.db);
    expect(waiting.mismatches).toEqual([]);
    await integrator.drain();
    const report = await reconcileState(t.db);
    expect(report.mismatches).toEqual([]);
    expect(report.rows).toBeGreaterThan(10);
  });
});

describe("the database refuses what the application never does", () => {
  it("will not re-arm a spent single-use grant, even for the owner, so a second run fails", async () => {
    expect(await refused(t.sql`update grants set uses = 0 where id = ${spent.grantId}`)).toMatch(/only grow/);
    expect(await refused(t.owner.sql`update grants set uses = 0 where id = ${spent.grantId}`)).toMatch(
      /only grow/,
    );
    const again = await ines.actions.execute({ caseId, grantId: spent.grantId, params: logs }).then(
      () => "ran",
      (e: unknown) => String(e),
    );
    expect(again).toMatch(/used up|no uses left|Refused/);
  });

  it("lets uses grow one at a time and never past the maximum", async () => {
    const fresh = await grant();
    expect(await refused(t.sql`update grants set uses = uses + 2 where id = ${fresh.grantId}`)).toMatch(
      /only grow/,
    );
    await t.sql`update grants set uses = uses + 1 where id = ${fresh.grantId}`;
    await refused(t.sql`update grants set uses = uses + 1 where id = ${fresh.grantId}`);
    await asOwnerUnguarded(
      t.owner.sql,
      ["grants"],
      (sql) => sql`update grants set uses = 0 where id = ${fresh.grantId}`,
    );
  });

  it("keeps a revoked grant revoked and unused, and a grant's terms fixed", async () => {
    expect(await refused(t.sql`update grants set revoked_at = null where id = ${ended.grantId}`)).toMatch(
      /stays revoked/,
    );
    await refused(t.sql`update grants set uses = uses + 1 where id = ${ended.grantId}`);
    expect(
      await refused(
        t.sql`update grants set expires_at = now() + interval '1 day' where id = ${spent.grantId}`,
      ),
    ).toMatch(/permission denied/);
    expect(
      await refused(
        t.owner.sql`update grants set expires_at = now() + interval '1 day' where id = ${spent.grantId}`,
      ),
    ).toMatch(/fixed when it is issued/);
    await refused(t.sql`delete from grants where id = ${ended.grantId}`);
    await refused(
      t.sql`insert into grants (request_id, case_id, action_key, grantee_id, scope, not_before, expires_at, max_uses, uses)
            select id, case_id, action_key, requester_id, '{}', now(), now() + interval '1 hour', 5, 3
            from action_requests where id = ${deniedId}`,
    );
  });

  it("keeps approvals and finished executions as written", async () => {
    await refused(t.sql`update approvals set decision = 'approve' where request_id = ${deniedId}`);
    await refused(t.owner.sql`update approvals set decision = 'approve' where request_id = ${deniedId}`);
    await refused(t.sql`delete from approvals where request_id = ${deniedId}`);
    expect(
      await refused(
        t.sql`insert into approvals (request_id, approver_id, decision, params_hash_seen)
              values (${deniedId}, ${tomId}, 'approve', ${"0".repeat(64)})`,
      ),
    ).toMatch(/without its ledger entry/);
    await refused(
      t.sql`update executions set status = 'succeeded', summary = 'rewritten' where grant_id = ${spent.grantId}`,
    );
    await refused(t.owner.sql`update executions set summary = 'rewritten' where grant_id = ${spent.grantId}`);
    await refused(t.sql`delete from executions where grant_id = ${spent.grantId}`);
  });

  it("changes roles and memberships only with their ledger entry in the same transaction", async () => {
    expect(
      await refused(t.sql`insert into user_roles (user_id, role) values (${marcusId}, 'admin')`),
    ).toMatch(/without its ledger entry/);
    await refused(t.sql`delete from user_roles where user_id = ${tomId} and role = 'compliance'`);
    await refused(t.sql`update user_roles set role = 'admin' where user_id = ${tomId}`);
    await refused(t.sql`delete from case_members where case_id = ${caseId} and user_id = ${marcusId}`);
    await refused(
      t.sql`update case_members set access = 'write' where case_id = ${caseId} and user_id = ${marcusId}`,
    );
    await refused(
      t.sql`insert into case_members (case_id, user_id, access, added_by) values (${caseId}, ${tomId}, 'write', ${tomId})`,
    );
    // Nothing of it happened.
    await integrator.drain();
    expect((await reconcileState(t.db)).mismatches).toEqual([]);
  });
});

describe("reconciliation after an owner changed the tables behind the ledger (triggers off)", () => {
  it("names each changed row, its table and the entry it contradicts", async () => {
    const [approval] = await t.sql<{ id: string }[]>`select id from approvals where request_id = ${deniedId}`;
    const [startedEntry] = await t.sql<{ seq: string }[]>`
      select seq from ledger_entries where type in ('action.started', 'action.queued') and body like ${`%${spent.grantId}%`}`;
    const forged = await asOwnerUnguarded(
      t.owner.sql,
      ["grants", "approvals", "user_roles", "case_members"],
      async (sql) => {
        await sql`update grants set uses = 0 where id = ${spent.grantId}`;
        await sql`update grants set revoked_at = null, revoked_by = null where id = ${ended.grantId}`;
        await sql`update approvals set decision = 'approve' where request_id = ${deniedId}`;
        await sql`insert into user_roles (user_id, role) values (${marcusId}, 'admin')`;
        await sql`delete from case_members where case_id = ${caseId} and user_id = ${marcusId}`;
        const [g] = await sql<{ id: string }[]>`
          insert into grants (request_id, case_id, action_key, grantee_id, scope, not_before, expires_at, max_uses)
          select id, case_id, action_key, requester_id, '{}', now(), now() + interval '1 hour', 5
          from action_requests where id = ${deniedId} returning id`;
        return g?.id ?? "";
      },
    );
    await t.owner.sql`update cases set status = 'contained' where id = ${caseId}`;

    const { ok, mismatches } = await reconcileState(t.db);
    expect(ok).toBe(false);
    const named = mismatches.map((m) => [m.table, m.row, m.entry]);
    expect(named).toEqual(
      expect.arrayContaining([
        ["grants", spent.grantId, `seq ${startedEntry?.seq}`],
        ["grants", ended.grantId, expect.stringMatching(/^seq \d+$/)],
        ["approvals", approval?.id, expect.stringMatching(/^seq \d+$/)],
        ["user_roles", `${marcusId}/admin`, null],
        ["case_members", `${caseId}/${marcusId}`, expect.stringMatching(/^seq \d+$/)],
        ["grants", forged, null],
        ["cases", caseId, expect.stringMatching(/^seq \d+$/)],
      ]),
    );
    expect(mismatches).toHaveLength(7);
    expect(mismatches.find((m) => m.row === spent.grantId)?.problem).toBe(
      "uses is 0 but the ledger records 1 use (action.started entries)",
    );

    // The scheduled check records it, and the compliance dashboard's finding says so.
    const scheduled = await verifyAndRecord(t.db, { verifier, origin: TEST_ORIGIN, outsideNotes: [] });
    expect(scheduled).toMatchObject({ ok: true, stateOk: false });
    await integrator.drain();
    await runDetectors(t.db, { orgTimeZone: "UTC", only: ["ledger_verification"] });
    const [finding] = await t.sql<{ title: string; explanation: string }[]>`
      select title, explanation from findings where detector = 'ledger_verification'`;
    expect(finding?.title).toBe("The tables differ from the audit ledger");
    expect(finding?.explanation).toContain(spent.grantId);
  });
});
