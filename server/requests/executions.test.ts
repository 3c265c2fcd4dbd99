/**
 * Granted actions against real systems: an evidence store and a target database on
 * the test's PostgreSQL server, reached through connectors, with their effects
 * observed from outside (pg_stat_activity, pg_roles, a new login).
 */
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { custodyEvents, evidence, evidenceContents, executions, grants, users } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { seedConnector } from "../connectors/connectors";
import { approveAsSeen, callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { asOwnerUnguarded } from "../testing/unguarded";
import { testSystems } from "../testing/systems";
import { enrolSecondFactor } from "../testing/second-factor";
import { failInterrupted } from "./executions";
import { failure } from "../testing/failure";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const systems = await testSystems();
const [admin] = await t.db
  .select({ id: users.id })
  .from(users)
  .where(eq(users.email, "sam.okafor@casefile.demo"));
const adminId = admin?.id ?? "";
await seedConnector(
  t.db,
  { name: "evidence-store", kind: "postgres", serves: ["logs.query"], config: { url: systems.evidenceUrl } },
  adminId,
);
await seedConnector(
  t.db,
  {
    name: "db-cust-01",
    kind: "postgres",
    serves: ["db.session.terminate", "db.role.disable", "db.role.enable"],
    config: { url: systems.targetUrl },
  },
  adminId,
);
await seedConnector(
  t.db,
  {
    name: "db-unreachable",
    kind: "postgres",
    serves: ["db.session.terminate"],
    config: { url: "postgres://nobody:pw@127.0.0.1:1/none" },
  },
  adminId,
);

const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
await enrolSecondFactor(priya, "demo-password-for-tests", { stepUp: true });

const { id: caseId } = await ines.cases.create({
  title: "Support portal takeover",
  summary: "",
  severity: 4,
  tlp: "amber",
});
const SUBJECT = "m.alvarez@northwind-retail.example";
const suspect = systems.names.suspectRole;

async function grantFor(actionKey: string, params: Record<string, unknown>) {
  const { id } = await ines.requests.create({
    caseId,
    actionKey,
    params,
    justification: "Containment of the support portal takeover, agreed in the incident call.",
    minutes: 30,
  });
  return approveAsSeen(priya, id);
}

async function ledger(type: string, subject: string) {
  const rows = await t.ledger.sql<{ body: string }[]>`
    select body from ledger_inbox where body::jsonb ->> 'type' = ${type} and body::jsonb -> 'subjects' ? ${subject}
    order by id`;
  return rows.map((r) => JSON.parse(r.body) as { payload: Record<string, unknown> });
}

const logs = {
  table: "auth_logs",
  columns: ["ts", "src_ip", "result", "method"],
  subject: SUBJECT,
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-20T12:00:00Z",
  rowCap: 100,
};

describe("logs.query on the evidence store", () => {
  it("returns exactly the granted rows and columns, stored as hashed evidence with custody", async () => {
    const grantId = await grantFor("logs.query", logs);
    const run = await ines.actions.execute({ caseId, grantId, params: logs });
    expect(run.status).toBe("succeeded");
    expect(run.evidenceId).toBeTruthy();
    const expected = await systems.evidenceAdmin<
      { ts: Date; src_ip: string; result: string; method: string }[]
    >`
      select ts, src_ip, result, method from auth_logs
      where username = ${SUBJECT} and ts >= ${logs.from}::timestamptz and ts < ${logs.to}::timestamptz
      order by ts, ts, src_ip, result, method`;
    expect(expected.length).toBeGreaterThan(5);
    const content = await ines.cases.evidence.content({ caseId, evidenceId: run.evidenceId ?? "" });
    expect(content.columns).toEqual(logs.columns);
    expect(content.rows).toEqual(expected.map((r) => [r.ts.toISOString(), r.src_ip, r.result, r.method]));
    expect(content.rows.some((r) => r[1] === "203.0.113.47" && r[2] === "success")).toBe(true);

    const [item] = await t.db
      .select()
      .from(evidence)
      .where(eq(evidence.id, run.evidenceId ?? ""));
    const [bytes] = await t.db
      .select()
      .from(evidenceContents)
      .where(eq(evidenceContents.evidenceId, run.evidenceId ?? ""));
    expect(
      createHash("sha256")
        .update(bytes?.content ?? "", "utf8")
        .digest("hex"),
    ).toBe(item?.sha256);
    expect(Buffer.byteLength(bytes?.content ?? "")).toBe(item?.sizeBytes);
    expect(item?.executionId).toBe(run.executionId);
    const custody = await t.db
      .select()
      .from(custodyEvents)
      .where(eq(custodyEvents.evidenceId, run.evidenceId ?? ""));
    expect(custody.map((c) => c.action)).toEqual(["collected"]);

    expect(await ledger("action.started", run.executionId)).toHaveLength(1);
    const [done] = await ledger("action.succeeded", run.executionId);
    expect(done?.payload).toMatchObject({
      rowCount: expected.length,
      sha256: item?.sha256,
      truncated: false,
    });
    expect(await ledger("evidence.collected", run.evidenceId ?? "")).toHaveLength(1);
    const timeline = await ines.cases.timeline.list({ caseId });
    const titles = timeline.events.map((e) => e.title);
    expect(titles).toEqual(expect.arrayContaining(["Running logs.query", "Ran logs.query"]));
  });

  it("refuses a wider request than granted and runs nothing", async () => {
    const grantId = await grantFor("logs.query", logs);
    const wider = { ...logs, columns: [...logs.columns, "user_agent"] };
    const error = await failure(ines.actions.execute({ caseId, grantId, params: wider }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toContain("user_agent");
    expect(await t.db.select().from(executions).where(eq(executions.grantId, grantId))).toHaveLength(0);
    const [grant] = await t.db.select().from(grants).where(eq(grants.id, grantId));
    expect(grant?.uses).toBe(0);
  });

  it("stops at the row cap and says so", async () => {
    const capped = {
      ...logs,
      table: "auth_logs",
      columns: ["ts", "username"],
      subject: "198.51.100.1",
      rowCap: 7,
    };
    const grantId = await grantFor("logs.query", capped);
    const run = await ines.actions.execute({ caseId, grantId, params: capped });
    expect(run.summary).toContain("Collected 7 (row cap 7 reached)");
    const content = await ines.cases.evidence.content({ caseId, evidenceId: run.evidenceId ?? "" });
    expect(content.totalRows).toBe(7);
  });

  it("fails before running anything when the evidence store lacks a granted column, keeping the use", async () => {
    const grantId = await grantFor("logs.query", logs);
    await systems.evidenceAdmin`alter table auth_logs rename column method to auth_method`;
    try {
      const error = await failure(ines.actions.execute({ caseId, grantId, params: logs }));
      expect(error.code).toBe("PRECONDITION_FAILED");
      expect(error.message).toContain("auth_logs in the evidence store has no column method");
      expect(error.message).toContain("not spent");
    } finally {
      await systems.evidenceAdmin`alter table auth_logs rename column auth_method to method`;
    }
    const [grant] = await t.db.select().from(grants).where(eq(grants.id, grantId));
    expect(grant?.uses).toBe(0);
    expect(await ledger("action.not_runnable", grantId)).toHaveLength(1);
    // Once the store is fixed, the same grant runs.
    expect((await ines.actions.execute({ caseId, grantId, params: logs })).status).toBe("succeeded");
  });
});

describe("target database actions", () => {
  it("terminates the suspect's live session, verified from outside", async () => {
    const session = postgres(systems.suspectUrl, { max: 1, onnotice: () => {} });
    const [backend] = await session<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const pid = backend?.pid ?? 0;
    const params = { database: "db-cust-01", username: suspect };
    const grantId = await grantFor("db.session.terminate", params);
    const run = await ines.actions.execute({ caseId, grantId, params });
    expect(run.summary).toContain(String(pid));
    expect(run.status).toBe("succeeded");
    const alive = await systems.targetAdmin`select 1 from pg_stat_activity where pid = ${pid}`;
    expect(alive).toHaveLength(0);
    // The client's connection is gone: its next query needs a new backend.
    const [again] = await session<{ pid: number }[]>`select pg_backend_pid() as pid`;
    expect(again?.pid).not.toBe(pid);
    await session.end({ timeout: 1 }).catch(() => undefined);
    const [row] = await t.db.select().from(executions).where(eq(executions.id, run.executionId));
    expect((row?.result as { terminated: number[] }).terminated).toEqual([pid]);
  });

  it("records a failure when no session matches, and the use is spent with that outcome", async () => {
    const params = { database: "db-cust-01", pid: 999_999 };
    const grantId = await grantFor("db.session.terminate", params);
    const run = await ines.actions.execute({ caseId, grantId, params });
    expect(run.status).toBe("failed");
    expect(run.summary).toContain("No session matches pid 999999");
    expect(await ledger("action.failed", run.executionId)).toHaveLength(1);
  });

  it("records an unreachable target as a failure with its reason", async () => {
    const params = { database: "db-unreachable", username: "x" };
    const grantId = await grantFor("db.session.terminate", params);
    const run = await ines.actions.execute({ caseId, grantId, params });
    expect(run.status).toBe("failed");
    expect(run.summary).toMatch(/db-unreachable: The database refused the connection/);
  });

  it("disables a login so a new connection is refused, and re-enabling restores it", async () => {
    const params = { database: "db-cust-01", role: suspect };
    const disabled = await ines.actions.execute({
      caseId,
      grantId: await grantFor("db.role.disable", params),
      params,
    });
    expect(disabled.status).toBe("succeeded");
    const login = async () => {
      const sql = postgres(systems.suspectUrl, { max: 1, onnotice: () => {} });
      try {
        await sql`select 1`;
        return "ok";
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      } finally {
        await sql.end({ timeout: 1 }).catch(() => undefined);
      }
    };
    expect(await login()).toMatch(/not permitted to log in/);
    const [row] = await t.db.select().from(executions).where(eq(executions.id, disabled.executionId));
    expect(row?.result).toMatchObject({ previous: { canLogin: true }, now: { canLogin: false } });

    const enabled = await ines.actions.execute({
      caseId,
      grantId: await grantFor("db.role.enable", params),
      params,
    });
    expect(enabled.status).toBe("succeeded");
    expect(await login()).toBe("ok");
  });

  it("fails a re-enable with nothing recorded to restore", async () => {
    const params = { database: "db-cust-01", role: "someone_else" };
    const run = await ines.actions.execute({
      caseId,
      grantId: await grantFor("db.role.enable", params),
      params,
    });
    expect(run.status).toBe("failed");
    expect(run.summary).toContain("no record of disabling");
  });

  it("refuses a database no connector serves, keeping the use", async () => {
    const params = { database: "db-elsewhere", username: "x" };
    const grantId = await grantFor("db.session.terminate", params);
    const error = await failure(ines.actions.execute({ caseId, grantId, params }));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toContain("No connector named db-elsewhere");
    const [grant] = await t.db.select().from(grants).where(eq(grants.id, grantId));
    expect(grant?.uses).toBe(0);
  });
});

describe("interrupted executions", () => {
  it("fails a run whose lease ran out (the process died) with a ledger entry and a timeline event", async () => {
    const params = { database: "db-cust-01", pid: 424_242 };
    const grantId = await grantFor("db.session.terminate", params);
    const run = await ines.actions.execute({ caseId, grantId, params });
    // As if the process had died between start and outcome: running, lease in the past.
    // A finished execution is final, so the owner rewinds it with the table's triggers off.
    await asOwnerUnguarded(
      t.owner.sql,
      ["executions"],
      (sql) =>
        sql`update executions set status = 'running', finished_at = null, lease_until = now() - interval '1 second' where id = ${run.executionId}`,
    );
    expect(await failInterrupted(t.db)).toBe(1);
    const [row] = await t.db.select().from(executions).where(eq(executions.id, run.executionId));
    expect(row?.status).toBe("failed");
    expect(row?.summary).toContain("Interrupted");
    const failed = await ledger("action.failed", run.executionId);
    expect(failed.at(-1)?.payload.summary).toContain("Interrupted");
    expect(await failInterrupted(t.db)).toBe(0);
  });
});
