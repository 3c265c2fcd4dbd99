/**
 * Faults: the process running an execution is killed (SIGKILL) while the
 * connector works. After the restart's sweep no grant use is without an outcome,
 * the committed changes have their ledger entries, and the ledger verifies.
 */
import { spawn } from "node:child_process";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { executions, grants, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { ensureActionTypes } from "../actions/types";
import { seedConnector } from "../connectors/connectors";
import { testIntegrator, TEST_ORIGIN } from "../ledger/testing";
import { verifyStoredLedger } from "../ledger/verify-db";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { testSystems } from "../testing/systems";
import { failInterrupted } from "./executions";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const systems = await testSystems();
const [admin] = await t.db
  .select({ id: users.id })
  .from(users)
  .where(eq(users.email, "sam.okafor@casefile.demo"));
await seedConnector(
  t.db,
  { name: "evidence-store", kind: "postgres", serves: ["logs.query"], config: { url: systems.evidenceUrl } },
  admin?.id ?? "",
);
const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
const inesId = (await ines.me()).id;
const { id: caseId } = await ines.cases.create({ title: "Faults", summary: "", severity: 2, tlp: "amber" });
const params = {
  table: "auth_logs",
  columns: ["ts", "src_ip"],
  subject: "m.alvarez@northwind-retail.example",
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-21T00:00:00Z",
  rowCap: 10,
};

async function grant() {
  const { id } = await ines.requests.create({
    caseId,
    actionKey: "logs.query",
    params,
    justification: "Fault test: sign-ins of the compromised account.",
    minutes: 30,
  });
  const review = await priya.requests.review({ requestId: id });
  const { grantId } = await priya.requests.decide({
    requestId: id,
    paramsHashSeen: review.request.paramsHash,
    decision: "approve",
  });
  return grantId ?? "";
}

async function ledgerTypes(subject: string) {
  const rows = await t.ledger.sql<{ type: string }[]>`
    select body::jsonb ->> 'type' as type from ledger_inbox where body::jsonb -> 'subjects' ? ${subject} order by id`;
  return rows.map((r) => r.type);
}

describe("faults", () => {
  it("an execution whose process is killed mid-run is failed after restart, with its use and both ledger entries", async () => {
    const grantId = await grant();
    // The evidence table is locked, so the connector's query waits — then the process dies.
    const locked = systems.evidenceAdmin.reserve();
    const sql = await locked;
    await sql`begin`;
    await sql`lock table auth_logs in access exclusive mode`;
    const child = spawn(process.execPath, ["--import", "tsx", "server/testing/execute-child.ts"], {
      env: {
        ...process.env,
        FAULT_DATABASE_URL: t.url,
        FAULT_USER_ID: inesId,
        FAULT_CASE_ID: caseId,
        FAULT_GRANT_ID: grantId,
        FAULT_PARAMS: JSON.stringify(params),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    let running: { id: string } | undefined;
    for (let i = 0; i < 200 && !running; i++) {
      [running] = await t.db
        .select({ id: executions.id })
        .from(executions)
        .where(eq(executions.grantId, grantId));
      if (!running) await new Promise((r) => setTimeout(r, 100));
    }
    expect(running, output).toBeDefined();
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    await sql`rollback`;
    sql.release();
    expect(output).not.toContain("done");

    const id = running?.id ?? "";
    const [before] = await t.db.select().from(executions).where(eq(executions.id, id));
    expect(before?.status).toBe("running");
    // After a restart the sweep finds the lapsed lease (two minutes; moved here instead of waited for).
    await t.owner.sql`update executions set lease_until = now() - interval '1 second' where id = ${id}`;
    expect(await failInterrupted(t.db)).toBe(1);
    const [after] = await t.db.select().from(executions).where(eq(executions.id, id));
    expect(after?.status).toBe("failed");
    expect(after?.summary).toContain("Interrupted");
    const [g] = await t.db.select().from(grants).where(eq(grants.id, grantId));
    expect(g?.uses).toBe(1);
    expect(await ledgerTypes(id)).toEqual(["action.started", "action.failed"]);
  });

  it("a database connection dropped inside the consuming transaction: a clear error, nothing half-written, the grant still works", async () => {
    const grantId = await grant();
    const ledgerBefore = await ledgerTypes(grantId);
    // Hold the grant's row so the use's UPDATE waits inside its transaction…
    const holder = await t.owner.sql.reserve();
    await holder`begin`;
    await holder`select 1 from grants where id = ${grantId} for update`;
    const call = ines.actions.execute({ caseId, grantId, params }).then(
      () => null,
      (error: unknown) => error,
    );
    let pid: number | undefined;
    for (let i = 0; i < 200 && pid === undefined; i++) {
      const [row] = await t.owner.sql<{ pid: number }[]>`
        select pid from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`;
      pid = row?.pid;
      if (pid === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(pid).toBeDefined();
    // …then the database drops that connection (a restart, a failover, a proxy timeout).
    await t.owner.sql`select pg_terminate_backend(${pid ?? 0})`;
    const error = await call;
    await holder`rollback`;
    holder.release();
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("SERVICE_UNAVAILABLE");
    expect((error as TRPCError).message).toMatch(/database connection was lost/i);

    // Nothing of the attempt was committed: no use, no execution, no ledger entry.
    const [g] = await t.db.select().from(grants).where(eq(grants.id, grantId));
    expect(g?.uses).toBe(0);
    expect(await t.db.select().from(executions).where(eq(executions.grantId, grantId))).toEqual([]);
    expect(await ledgerTypes(grantId)).toEqual(ledgerBefore);

    // The pool replaces the dead connection: the same grant runs, once.
    const result = await ines.actions.execute({ caseId, grantId, params });
    expect(result.status).toBe("succeeded");
    const [used] = await t.db.select().from(grants).where(eq(grants.id, grantId));
    expect(used?.uses).toBe(1);
  });

  it("the ledger verifies after all of it", async () => {
    const { integrator, verifier } = await testIntegrator(t.ledger.db);
    await integrator.drain();
    const run = verifyStoredLedger(t.db, { verifier, origin: TEST_ORIGIN, outsideNotes: [] });
    let step = await run.next();
    while (!step.done) step = await run.next();
    expect(step.value.problems).toEqual([]);
    expect(step.value.ok).toBe(true);
  });
});
