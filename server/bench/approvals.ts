/**
 * Approval figures (issue: just-in-time approvals):
 * - the approver queue (`requests.queue` through the tRPC HTTP handler) with
 *   100,000 historical requests and 1,000 pending;
 * - the guarded execution path (`executeGrant`) by 32 concurrent clients, against
 *   the same work without the grant check;
 * - decision → requester notification: from `decide` until a LISTENing
 *   connection hears the `grant.created` event.
 */
import { asOwnerUnguarded } from "../testing/unguarded";
import path from "node:path";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Db } from "@/db/client";
import { seedDemo } from "../demo/seed";
import { definitionOf } from "../actions/catalogue";
import { runBuiltIn } from "../actions/executor";
import { ensureActionTypes } from "../actions/types";
import { loadUserForSystem } from "../auth/sessions";
import { actorOf, type CaseAccess, openCase } from "../cases/access";
import { createCase } from "../cases/cases";
import { liveHub } from "../realtime/live";
import { finishExecution, startExecution } from "../requests/executions";
import { executeGrant } from "../requests/execute";
import { parseParams } from "../requests/params";
import { createRequest } from "../requests/ask";
import { decide } from "../requests/decide";
import { createContextInner } from "../trpc/init";
import { appRouter } from "../trpc/routers/_app";
import { benchDatabase } from "./database";
import { type Figure, percentile, timed } from "./report";

const HISTORY = 100_000;
const PENDING = 1_000;
const QUEUE_RUNS = 200;
const CLIENTS = 32;
const EXECUTIONS = 8_000;
const WARM_UP = 320;
const DECISIONS = 200;

const PARAMS = {
  table: "auth_logs",
  columns: ["ts", "username", "src_ip", "result"],
  subject: "203.0.113.47",
  from: "2026-11-01T00:00:00Z",
  to: "2026-11-02T00:00:00Z",
  rowCap: 1000,
};
const JUSTIFICATION = "Check the attacker address against the authentication logs of that night";

/** Runs `count` jobs over `workers` concurrent loops; returns elapsed seconds. */
async function concurrently(count: number, workers: number, job: (i: number) => Promise<unknown>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = next++; i < count; i = next++) await job(i);
    }),
  );
  return (performance.now() - started) / 1000;
}

/**
 * The guarded path's work without the grant check: no grant lookup, no conditional
 * UPDATE consuming a use; the execution's start and outcome (records, ledger entries,
 * timeline events, live events) written by the same functions `executeGrant` uses.
 */
async function executeUnguarded(db: Db, access: CaseAccess, grant: { id: string; requestId: string }) {
  const def = definitionOf("logs.query");
  if (!def) throw new Error("no logs.query");
  const params = parseParams(def, PARAMS);
  const actor = actorOf(access.user);
  const subject = {
    caseId: access.caseId,
    caseKey: access.key,
    grantId: grant.id,
    requestId: grant.requestId,
    actionKey: def.key,
    params,
    executorId: access.user.id,
    connectorName: null,
  };
  const executionId = await db.transaction((tx) =>
    startExecution(tx, subject, "running", {
      summary: "Recording the use",
      actor,
      use: "1 of 1",
      request: null,
    }),
  );
  await finishExecution(db, executionId, runBuiltIn(def.key, params), actor);
}

export async function approvalsBench({
  dataDir,
  log,
}: {
  dataDir: string;
  log: (line: string) => void;
}): Promise<Figure[]> {
  const database = await benchDatabase(path.join(dataDir, "approvals"));
  const app = database.connect(database.appUrl, CLIENTS + 8);
  const listener = database.connect(database.appUrl, 2);
  try {
    await seedDemo(app.db, "bench-password");
    await ensureActionTypes(app.db);
    const demoUser = async (email: string) => {
      const [row] = await app.sql<{ id: string }[]>`select id from users where email = ${email}`;
      if (!row) throw new Error(`no demo user ${email}`);
      return loadUserForSystem(app.db, row.id);
    };
    const ines = await demoUser("ines.ortega@casefile.demo"); // investigator, clearance 3
    const priya = await demoUser("priya.raman@casefile.demo"); // approver, clearance 4
    const bench = { title: "Bench case", summary: "", severity: 3, tlp: "amber" } as const;
    const { id: caseId } = await createCase(app.db, ines, bench);
    const access = await openCase(app.db, ines, caseId);
    const params = JSON.stringify(PARAMS);

    // 1. The approver queue.
    log(`  writing ${HISTORY.toLocaleString("en-US")} historical requests over 90 days, ${PENDING} pending…`);
    await app.sql`
      insert into action_requests (case_id, action_key, params, params_hash, justification, requested_minutes,
                                   status, requester_id, created_at, expires_at, decided_at)
      select ${caseId}, 'logs.query', ${params}::jsonb, md5(i::text) || md5((-i)::text), 'History request ' || i, 30,
             (array['approved','denied','expired','cancelled'])[1 + i % 4]::request_status, ${ines.id}, t, t + interval '1 hour',
             t + interval '10 minutes'
      from generate_series(1, ${HISTORY}) as i, lateral (select now() - interval '2 hours' - i * interval '77 seconds' as t) c`;
    // Every approved or denied request carries Priya's decision: half the history.
    // Synthetic decisions have no ledger entries, which the database refuses: the owner writes them,
    // with the table's triggers off for that one transaction.
    const historian = database.connect(database.ownerUrl, 1);
    await asOwnerUnguarded(
      historian.sql,
      ["approvals"],
      (sql) => sql`
      insert into approvals (request_id, approver_id, decision, comment, params_hash_seen, created_at)
      select id, ${priya.id}, (case status when 'approved' then 'approve' else 'deny' end)::decision,
             'Bench decision', params_hash, decided_at
      from action_requests where status in ('approved', 'denied')`,
    );
    await historian.close();
    await app.sql`
      insert into action_requests (case_id, action_key, params, params_hash, justification, requested_minutes,
                                   requester_id, created_at, expires_at)
      select ${caseId}, 'logs.query', ${params}::jsonb, md5(i::text) || md5((i * 7)::text), 'Pending request ' || i, 30,
             ${ines.id}, now() - (i % 60) * interval '1 minute', now() + (1 + i % 60) * interval '1 minute'
      from generate_series(1, ${PENDING}) as i`;
    const owner = database.connect(database.ownerUrl, 1);
    await owner.sql`analyze action_requests, approvals, grants, cases, users`;
    await owner.close();

    const url = `http://casefile.bench/api/trpc/requests.queue`;
    const meta = { requestId: "bench", ip: "127.0.0.1", userAgent: "bench" };
    const queue = async () => {
      const response = await fetchRequestHandler({
        endpoint: "/api/trpc",
        req: new Request(url),
        router: appRouter,
        createContext: () => createContextInner({ db: app.db, user: priya, meta }),
      });
      if (!response.ok) throw new Error(`tRPC answered ${response.status}: ${await response.text()}`);
      // Parsed as JSON only, as cases.ts does: a browser's superjson decoding is not the server's time.
      const body = (await response.json()) as {
        result: { data: { json: { items: unknown[]; total: number } } };
      };
      const { items, total } = body.result.data.json;
      if (items.length !== 50 || total !== PENDING)
        throw new Error(`expected 50 of ${PENDING}, got ${items.length} of ${total}`);
    };
    log(`  ${QUEUE_RUNS} queue requests through tRPC as Priya…`);
    const queueMs = await timed(QUEUE_RUNS, queue);

    // 2. The guarded execution path: one single-use grant per execution, so nobody is refused.
    log(`  creating ${EXECUTIONS + WARM_UP} single-use grants…`);
    const grantRows = await app.sql<{ id: string; requestId: string }[]>`
      with approved as (
        insert into action_requests (case_id, action_key, params, params_hash, justification, requested_minutes,
                                     status, requester_id, expires_at, decided_at)
        select ${caseId}, 'logs.query', ${params}::jsonb, md5(i::text) || md5((i * 13)::text), 'Granted request ' || i,
               60, 'approved', ${ines.id}, now(), now()
        from generate_series(1, ${EXECUTIONS + WARM_UP}) as i
        returning id)
      insert into grants (request_id, case_id, action_key, grantee_id, scope, not_before, expires_at, max_uses)
      select id, ${caseId}, 'logs.query', ${ines.id}, ${params}::jsonb, now() - interval '1 minute',
             now() + interval '1 hour', 1
      from approved
      returning id, request_id as "requestId"`;
    const guarded = (offset: number) => (i: number) =>
      executeGrant(app.db, access, { grantId: grantRows[offset + i]?.id ?? "", params: PARAMS });
    await concurrently(WARM_UP, CLIENTS, guarded(EXECUTIONS)); // warm-up: connections, plans
    log(`  ${EXECUTIONS.toLocaleString("en-US")} guarded executions, ${CLIENTS} concurrent clients…`);
    const guardedSeconds = await concurrently(EXECUTIONS, CLIENTS, guarded(0));
    const [counted] = await app.sql<{ n: number }[]>`select count(*)::int as n from executions`;
    if (counted?.n !== EXECUTIONS + WARM_UP) throw new Error(`expected ${EXECUTIONS + WARM_UP} executions`);
    // Without the check, grants are only referenced (executions.grant_id), never read or consumed.
    const unguarded = (i: number) =>
      executeUnguarded(app.db, access, grantRows[i % grantRows.length] ?? { id: "", requestId: "" });
    await concurrently(WARM_UP, CLIENTS, unguarded);
    log(`  ${EXECUTIONS.toLocaleString("en-US")} unguarded executions, ${CLIENTS} concurrent clients…`);
    const unguardedSeconds = await concurrently(EXECUTIONS, CLIENTS, unguarded);

    // 3. Decision → notification, heard on a second connection as another app instance would.
    const heard = new Map<string, (at: number) => void>();
    const stop = await liveHub(listener.db).subscribe((event) => {
      if (event.kind === "grant.created") heard.get(event.requestId)?.(performance.now());
    });
    const notifyMs: number[] = [];
    log(`  ${DECISIONS} requests created by Ines and approved by Priya…`);
    for (let i = -10; i < DECISIONS; i++) {
      const request = { actionKey: "logs.query", params: PARAMS, justification: JUSTIFICATION, minutes: 30 };
      const { id } = await createRequest(app.db, access, request);
      const [row] = await app.sql<
        { hash: string }[]
      >`select params_hash as hash from action_requests where id = ${id}`;
      let timer: NodeJS.Timeout | undefined;
      const arrived = new Promise<number>((resolve, reject) => {
        heard.set(id, resolve);
        timer = setTimeout(() => reject(new Error(`no grant.created for ${id} within 5 s`)), 5000);
      });
      const start = performance.now();
      await decide(app.db, priya, { requestId: id, paramsHashSeen: row?.hash ?? "", decision: "approve" });
      const at = await arrived.finally(() => clearTimeout(timer));
      heard.delete(id);
      if (i >= 0) notifyMs.push(at - start); // the first ten warm up
    }
    stop();
    notifyMs.sort((a, b) => a - b);

    const guardedRate = EXECUTIONS / guardedSeconds;
    const unguardedRate = EXECUTIONS / unguardedSeconds;
    const fig = (name: string, value: number, unit: string, more: Partial<Figure> = {}): Figure => ({
      section: "approvals",
      name,
      value,
      unit,
      ...more,
    });
    const queueName = `approver queue (${PENDING.toLocaleString("en-US")} pending, ${HISTORY.toLocaleString("en-US")} historical), tRPC`;
    return [
      fig(`${queueName} p50`, percentile(queueMs, 50), "ms"),
      fig(`${queueName} p95`, percentile(queueMs, 95), "ms", { target: { op: "<=", value: 50 } }),
      fig(`guarded executions (executeGrant), ${CLIENTS} concurrent clients`, guardedRate, "executions/s", {
        target: { op: ">=", value: 1500 },
        note: `${EXECUTIONS.toLocaleString("en-US")} executions, one single-use grant each`,
      }),
      fig(`same work without the grant check, ${CLIENTS} clients`, unguardedRate, "executions/s"),
      fig("guarded / unguarded", guardedRate / unguardedRate, "×"),
      fig("decision → grant.created heard, p50", percentile(notifyMs, 50), "ms"),
      fig("decision → grant.created heard, p95", percentile(notifyMs, 95), "ms", {
        target: { op: "<=", value: 300 },
        note: `${DECISIONS} decisions, LISTEN on a second connection`,
      }),
    ];
  } finally {
    await Promise.all([app.close(), listener.close()]);
    await database.stop();
  }
}
