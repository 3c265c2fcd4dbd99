/**
 * Faults: the process running an execution, a webhook delivery or a ledger
 * integration is killed (SIGKILL); the database drops a connection mid-transaction.
 * After each, once restarted: no grant use is without an outcome, every committed
 * change has exactly one ledger entry, and the ledger verifies.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { APP_ROLE, LEDGER_ROLE } from "@/db/roles";
import { executions, grants, outbox, users } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { seedConnector } from "../connectors/connectors";
import { deliverWebhooks } from "./webhook-delivery";
import { generateSignerKey } from "../ledger/checkpoint";
import { readOutsideCheckpoints } from "../ledger/config";
import { testIntegrator, TEST_ORIGIN } from "../ledger/testing";
import { verifyStoredLedger } from "../ledger/verify-db";
import { approveAsSeen, callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { testSystems } from "../testing/systems";
import { enrolSecondFactor } from "../testing/second-factor";
import { webhookReceiver } from "../testing/webhook-receiver";
import { failInterrupted } from "./executions";

const SECRET = "edr-shared-secret-for-fault-tests";
const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const systems = await testSystems();
const edr = webhookReceiver(SECRET);
const edrUrl = await edr.start();
afterAll(() => edr.stop());
const [admin] = await t.db
  .select({ id: users.id })
  .from(users)
  .where(eq(users.email, "sam.okafor@casefile.demo"));
await seedConnector(
  t.db,
  { name: "evidence-store", kind: "postgres", serves: ["logs.query"], config: { url: systems.evidenceUrl } },
  admin?.id ?? "",
);
await seedConnector(
  t.db,
  { name: "edr", kind: "webhook", serves: ["account.disable"], config: { url: edrUrl, secret: SECRET } },
  admin?.id ?? "",
);
const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
// High-risk approvals need a fresh second factor: Priya has just given one.
await enrolSecondFactor(priya, "demo-password-for-tests", { stepUp: true });
const inesId = (await ines.me()).id;
const { id: caseId } = await ines.cases.create({ title: "Faults", summary: "", severity: 2, tlp: "amber" });
const logs = {
  table: "auth_logs",
  columns: ["ts", "src_ip"],
  subject: "m.alvarez@northwind-retail.example",
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-21T00:00:00Z",
  rowCap: 10,
};
const disable = { account: "m.alvarez@northwind-retail.example" };
// The ledger's signing key and checkpoint copy outside the database survive a restart.
const signerKey = generateSignerKey(TEST_ORIGIN);
const checkpointDir = await mkdtemp(path.join(tmpdir(), "casefile-fault-checkpoints-"));

async function grant(actionKey: string, params: Record<string, unknown>) {
  const { id } = await ines.requests.create({
    caseId,
    actionKey,
    params,
    justification: "Fault test: contain the compromised account.",
    minutes: 30,
  });
  return approveAsSeen(priya, id);
}

/** A separate app process doing one piece of work (server/testing/fault-child.ts), to be killed. */
function child(mode: "execute" | "integrate", env: Record<string, string>) {
  const proc = spawn(process.execPath, ["--import", "tsx", "server/testing/fault-child.ts"], {
    env: { ...process.env, FAULT_MODE: mode, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  proc.stdout.on("data", (d: Buffer) => (output += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise((resolve) => proc.on("exit", resolve));
  return {
    output: () => output,
    kill: async () => {
      proc.kill("SIGKILL");
      await exited;
    },
  };
}

async function until<T>(probe: () => Promise<T | undefined | null>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined && value !== null) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A backend of this database connected as `role` and waiting on a lock. */
async function waitingBackend(role: string) {
  return until(async () => {
    const [row] = await t.owner.sql<{ pid: number }[]>`
      select pid from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()
        and usename = ${role}`;
    return row?.pid;
  }, "a backend waiting on a lock");
}

/** Ledger entry types about a subject, integrated or not, in order. */
async function ledgerTypes(subject: string) {
  const rows = await t.owner.sql<{ type: string }[]>`
    select type from (
      select seq as n, body::jsonb as b from ledger_entries
      union all select 1e12 + id, body::jsonb from ledger_inbox
    ) e, lateral (select b ->> 'type' as type) x
    where b -> 'subjects' ? ${subject} order by n`;
  return rows.map((r) => r.type);
}

async function count(table: "ledger_inbox" | "ledger_entries" | "ledger_checkpoints") {
  const [row] = await t.owner.sql<{ n: number }[]>`select count(*)::int as n from ${t.owner.sql(table)}`;
  return row?.n ?? 0;
}

describe("faults", () => {
  it("an execution whose process is killed mid-run is failed after restart, with its use and both ledger entries", async () => {
    const grantId = await grant("logs.query", logs);
    // The evidence table is locked, so the connector's query waits — then the process dies.
    const sql = await systems.evidenceAdmin.reserve();
    await sql`begin`;
    await sql`lock table auth_logs in access exclusive mode`;
    const app = child("execute", {
      FAULT_DATABASE_URL: t.url,
      FAULT_USER_ID: inesId,
      FAULT_CASE_ID: caseId,
      FAULT_GRANT_ID: grantId,
      FAULT_PARAMS: JSON.stringify(logs),
    });
    const running = await until(async () => {
      const [row] = await t.db.select().from(executions).where(eq(executions.grantId, grantId));
      return row;
    }, "the execution to start");
    await app.kill();
    await sql`rollback`;
    sql.release();
    expect(app.output()).not.toContain("done");

    const [before] = await t.db.select().from(executions).where(eq(executions.id, running.id));
    expect(before?.status).toBe("running");
    // After a restart the sweep finds the lapsed lease (two minutes; moved here instead of waited for).
    await t.owner
      .sql`update executions set lease_until = now() - interval '1 second' where id = ${running.id}`;
    expect(await failInterrupted(t.db)).toBe(1);
    const [after] = await t.db.select().from(executions).where(eq(executions.id, running.id));
    expect(after?.status).toBe("failed");
    expect(after?.summary).toContain("Interrupted");
    const [g] = await t.db.select().from(grants).where(eq(grants.id, grantId));
    expect(g?.uses).toBe(1);
    expect(await ledgerTypes(running.id)).toEqual(["action.started", "action.failed"]);
  });

  it("a database connection dropped inside the consuming transaction: a clear error, nothing half-written, the grant still works", async () => {
    const grantId = await grant("logs.query", logs);
    const ledgerBefore = await ledgerTypes(grantId);
    // Hold the grant's row so the use's UPDATE waits inside its transaction…
    const holder = await t.owner.sql.reserve();
    await holder`begin`;
    await holder`select 1 from grants where id = ${grantId} for update`;
    const call = ines.actions.execute({ caseId, grantId, params: logs }).then(
      () => null,
      (error: unknown) => error,
    );
    const pid = await waitingBackend(APP_ROLE);
    // …then the database drops that connection (a restart, a failover, a proxy timeout).
    await t.owner.sql`select pg_terminate_backend(${pid})`;
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
    const result = await ines.actions.execute({ caseId, grantId, params: logs });
    expect(result.status).toBe("succeeded");
    const [used] = await t.db.select().from(grants).where(eq(grants.id, grantId));
    expect(used?.uses).toBe(1);
  });

  it("a webhook receiver that hangs while the sending process is killed: redelivered after restart with the same key, one outcome", async () => {
    const grantId = await grant("account.disable", disable);
    edr.received.length = 0;
    edr.answer([0]); // the receiver accepts the connection and never answers
    const app = child("execute", {
      FAULT_DATABASE_URL: t.url,
      FAULT_USER_ID: inesId,
      FAULT_CASE_ID: caseId,
      FAULT_GRANT_ID: grantId,
      FAULT_PARAMS: JSON.stringify(disable),
    });
    await until(() => Promise.resolve(edr.received[0]), "the first delivery to reach the receiver");
    await app.kill();
    const [execution] = await t.db.select().from(executions).where(eq(executions.grantId, grantId));
    const id = execution?.id ?? "";
    expect(execution?.status).toBe("running");

    // The restart's sweep leaves a webhook in flight to its outbox, which retries once the
    // dead worker's claim lapses (30 s; moved here instead of waited for).
    await failInterrupted(t.db);
    expect((await t.db.select().from(executions).where(eq(executions.id, id)))[0]?.status).toBe("running");
    await t.owner
      .sql`update outbox set locked_until = now() - interval '1 second' where execution_id = ${id}`;
    await t.owner.sql`update outbox set next_attempt_at = now() where execution_id = ${id}`;
    edr.answer([202]);
    await until(async () => {
      await deliverWebhooks(t.db, { timeoutMs: 2_000 });
      const [row] = await t.db.select().from(outbox).where(eq(outbox.executionId, id));
      return row?.deliveredAt;
    }, "the redelivery");

    expect(edr.received).toHaveLength(2);
    expect(edr.received.every((r) => r.key === id && r.verdict.ok)).toBe(true);
    const [after] = await t.db.select().from(executions).where(eq(executions.id, id));
    expect(after?.status).toBe("succeeded");
    expect(after?.summary).toContain("attempt 2 of 5");
    expect(await ledgerTypes(id)).toEqual(["action.queued", "action.started", "action.succeeded"]);
  });

  it("a ledger integration killed inside its transaction loses nothing; killed after commit, the next checkpoint covers it", async () => {
    const pending = await count("ledger_inbox");
    expect(pending).toBeGreaterThan(0);
    expect(await count("ledger_entries")).toBe(0);
    const integrate = (dir: string) =>
      child("integrate", {
        FAULT_DATABASE_URL: t.ledgerUrl,
        FAULT_SIGNER_KEY: signerKey,
        FAULT_ORIGIN: TEST_ORIGIN,
        FAULT_CHECKPOINT_DIR: dir,
      });

    // 1. Inside the transaction: the batch is taken from the inbox and written to the log,
    //    and the checkpoint's insert waits on a lock when the process dies.
    const lock = await t.owner.sql.reserve();
    await lock`begin`;
    await lock`lock table ledger_checkpoints in share mode`;
    const first = integrate(checkpointDir);
    const pid = await waitingBackend(LEDGER_ROLE);
    await first.kill();
    await lock`rollback`;
    lock.release();
    // The orphaned backend finds its client gone and rolls back.
    await until(async () => {
      const [row] = await t.owner.sql`select 1 from pg_stat_activity where pid = ${pid}`;
      return row ? undefined : true;
    }, "the killed integrator's backend to end");
    expect(await count("ledger_inbox")).toBe(pending);
    expect(await count("ledger_entries")).toBe(0);
    expect(await count("ledger_checkpoints")).toBe(0);

    // 2. After the commit, while copying the checkpoint outside (a pipe nobody reads blocks it).
    const stuck = await mkdtemp(path.join(tmpdir(), "casefile-fault-stuck-"));
    await promisify(execFile)("mkfifo", [path.join(stuck, "checkpoints.jsonl")]);
    const second = integrate(stuck);
    await until(async () => ((await count("ledger_checkpoints")) > 0 ? true : undefined), "the commit");
    await second.kill();
    expect(await count("ledger_inbox")).toBe(0);
    expect(await count("ledger_entries")).toBe(pending);
    const duplicates = await t.owner.sql`
      select entry_id from ledger_entries group by entry_id having count(*) > 1`;
    expect(duplicates).toHaveLength(0);
    expect(await readOutsideCheckpoints(checkpointDir)).toEqual([]);

    // Restarted with the same key: new entries are integrated after the old, and checkpointed outside.
    await ines.cases.notes.add({ caseId, body: "Restarted after the integrator was killed." });
    const { integrator } = await testIntegrator(t.ledger.db, { signerKey, checkpointDir });
    await integrator.drain();
    const outside = await readOutsideCheckpoints(checkpointDir);
    expect(outside).toHaveLength(1);
    expect(outside[0]).toContain(`\n${String(await count("ledger_entries"))}\n`);
  });

  it("after all of it: every use has its outcome, every execution one ledger entry per state, and the ledger verifies", async () => {
    const all = await t.db.select().from(grants);
    for (const g of all) {
      const runs = await t.db.select().from(executions).where(eq(executions.grantId, g.id));
      expect(runs, `grant ${g.id}`).toHaveLength(g.uses);
      for (const run of runs) {
        expect(["succeeded", "failed"], `execution ${run.id}`).toContain(run.status);
        const types = (await ledgerTypes(run.id)).filter((type) => type.startsWith("action."));
        expect(types.filter((type) => type === "action.started")).toHaveLength(1);
        expect(types.filter((type) => type === "action.succeeded" || type === "action.failed")).toHaveLength(
          1,
        );
      }
    }
    const { integrator, verifier } = await testIntegrator(t.ledger.db, { signerKey, checkpointDir });
    await integrator.drain();
    const run = verifyStoredLedger(t.db, {
      verifier,
      origin: TEST_ORIGIN,
      outsideNotes: await readOutsideCheckpoints(checkpointDir),
    });
    let step = await run.next();
    while (!step.done) step = await run.next();
    expect(step.value.problems).toEqual([]);
    expect(step.value.ok).toBe(true);
  });
});
