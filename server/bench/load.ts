/**
 * Load: the production build on loopback with its own embedded database, 200
 * concurrent clients for 60 s (LOAD_SECONDS, LOAD_CLIENTS to change) over real
 * HTTP, mixing queue reads, timeline reads, request creation, approvals and
 * executions. Afterwards the ledger must verify and the counts reconcile: every
 * request created is one `request.created` entry, every run one `action.started`.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { freePort } from "@/db/embedded";
import { parseVerifierKey, parseSignerKey } from "../ledger/checkpoint";
import { readOutsideCheckpoints } from "../ledger/config";
import { verifyStoredLedger } from "../ledger/verify-db";
import { createDb } from "@/db/client";
import { type Figure, percentile } from "./report";
import { eventType } from "../ledger/events";

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 200);
const PASSWORD = "casefile-demo";

type Session = { cookie: string };

export async function signIn(base: string, email: string): Promise<Session> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = (csrf.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ csrfToken, email, password: PASSWORD, json: "true" }),
  });
  const cookies = (response.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]);
  const session = cookies.find((c) => c?.includes("session-token"));
  if (!session) throw new Error(`sign-in of ${email} failed (${response.status})`);
  return { cookie: [jar, ...cookies].join("; ") };
}

export function trpc(base: string, s: Session) {
  const headers = { cookie: s.cookie, origin: base, "content-type": "application/json" };
  return {
    query: async (proc: string, input: unknown) => {
      const r = await fetch(
        `${base}/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
        { headers },
      );
      const body = (await r.json()) as { result?: { data: { json: unknown } }; error?: unknown };
      if (!r.ok) throw new Error(`${proc} ${r.status} ${JSON.stringify(body.error).slice(0, 200)}`);
      return body.result?.data.json;
    },
    mutate: async (proc: string, input: unknown) => {
      const r = await fetch(`${base}/api/trpc/${proc}`, {
        method: "POST",
        headers,
        body: JSON.stringify({ json: input }),
      });
      const body = (await r.json()) as { result?: { data: { json: unknown } }; error?: unknown };
      if (!r.ok) throw new Error(`${proc} ${r.status} ${JSON.stringify(body.error).slice(0, 200)}`);
      return body.result?.data.json;
    },
  };
}

/**
 * The production build (`npm run build` first) on a free port with a fresh demo database under `dir`
 * (--reset-data: as root the cluster lives outside `dir`, under the system folder).
 */
export async function startProductionServer(
  dir: string,
): Promise<{ base: string; dir: string; stop: () => Promise<void> }> {
  if (!existsSync(path.resolve(".next", "BUILD_ID")))
    throw new Error("needs the production build: run `npm run build` first");
  await rm(dir, { recursive: true, force: true });
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const server = spawn(process.execPath, ["--import", "tsx", "server/cli/serve.ts", "--reset-data"], {
    env: {
      ...process.env,
      PORT: String(port),
      NEXTAUTH_URL: base,
      CASEFILE_DATA_DIR: dir,
      CASEFILE_SEED_DEMO: "true",
      CASEFILE_DEMO_EVIDENCE_ROWS: "10000",
      // The demo's evidence store and target database listen on loopback.
      CASEFILE_CONNECTOR_ALLOW: "127.0.0.1/32",
      DATABASE_URL: "",
      AUTH_SECRET: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  server.stdout.on("data", (d: Buffer) => (output += d.toString()));
  server.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const stop = async () => {
    server.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 2000));
  };
  for (let i = 0; ; i++) {
    if (i > 600) {
      await stop();
      throw new Error(`the server did not start:\n${output.slice(-2000)}`);
    }
    if (
      await fetch(`${base}/sign-in`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { base, dir, stop };
    await new Promise((r) => setTimeout(r, 500));
  }
}

export type LoadResult = {
  clients: number;
  seconds: number;
  /** Ascending latencies (ms) per operation. */
  latencies: Record<"queue" | "timeline" | "create" | "review" | "decide" | "execute", number[]>;
  errors: string[];
  elapsed: number;
  created: number;
  executed: number;
  /** What the database and the ledger hold about the load's own requests and runs. */
  stored: { requests: number; created: number; executions: number; started: number };
  ledger: { ok: boolean; entries: number; problems: string[] };
};

/**
 * Runs `clients` concurrent clients for `seconds` against a running server, then waits for
 * the ledger to integrate everything, reconciles counts and verifies the ledger.
 */
export async function runLoad(
  server: { base: string; dir: string },
  options: { clients: number; seconds: number },
): Promise<LoadResult> {
  const { base, dir } = server;
  // Each run's requests carry its own tag, so runs against one server reconcile separately.
  const tag = `Load test ${randomBytes(4).toString("hex")}:`;
  const ines = trpc(base, await signIn(base, "ines.ortega@casefile.demo"));
  const priya = trpc(base, await signIn(base, "priya.raman@casefile.demo"));
  const cases = (await ines.query("cases.list", {})) as
    { items?: { id: string; title: string }[] } | { id: string; title: string }[];
  const list = Array.isArray(cases) ? cases : (cases.items ?? []);
  const caseId = list.find((c) => c.title.includes("northwind"))?.id;
  if (!caseId) throw new Error("no demo case");
  const params = {
    table: "auth_logs",
    columns: ["ts", "src_ip", "result"],
    subject: "m.alvarez@northwind-retail.example",
    from: "2026-11-19T00:00:00Z",
    to: "2026-11-20T00:00:00Z",
    rowCap: 100,
  };

  const latencies: LoadResult["latencies"] = {
    queue: [],
    timeline: [],
    create: [],
    review: [],
    decide: [],
    execute: [],
  };
  const errors: string[] = [];
  const toApprove: string[] = [];
  const toRun: string[] = [];
  let created = 0;
  let executed = 0;
  const deadline = Date.now() + options.seconds * 1000;
  const timedOp = async (name: keyof LoadResult["latencies"], fn: () => Promise<void>) => {
    const start = performance.now();
    try {
      await fn();
      latencies[name].push(performance.now() - start);
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
    }
  };
  const started = Date.now();
  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      for (let n = 0; Date.now() < deadline; n++) {
        const pick = (client + n) % 10;
        if (pick < 3)
          await timedOp("queue", async () => void (await priya.query("requests.queue", { limit: 50 })));
        else if (pick < 6)
          await timedOp("timeline", async () => void (await ines.query("cases.timeline.list", { caseId })));
        else if (pick < 8)
          await timedOp("create", async () => {
            const r = (await ines.mutate("requests.create", {
              caseId,
              actionKey: "logs.query",
              params,
              justification: `${tag} sign-ins of the compromised account around the takeover.`,
              minutes: 30,
            })) as { id: string };
            created++;
            toApprove.push(r.id);
          });
        else if (pick === 8) {
          const requestId = toApprove.shift();
          let paramsHash = "";
          // An approval is two calls: the review the approver reads, then the decision.
          if (requestId)
            await timedOp("review", async () => {
              const review = (await priya.query("requests.review", { requestId })) as {
                request: { paramsHash: string };
              };
              paramsHash = review.request.paramsHash;
            });
          if (requestId && paramsHash)
            await timedOp("decide", async () => {
              const d = (await priya.mutate("requests.decide", {
                requestId,
                paramsHashSeen: paramsHash,
                decision: "approve",
                comment: "Load test approval.",
              })) as { grantId: string | null };
              if (d.grantId) toRun.push(d.grantId);
            });
        } else {
          const grantId = toRun.shift();
          if (grantId)
            await timedOp("execute", async () => {
              await ines.mutate("actions.execute", { caseId, grantId, params });
              executed++;
            });
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  for (const samples of Object.values(latencies)) samples.sort((a, b) => a - b);

  const runtime = JSON.parse(await readFile(path.join(dir, "runtime.json"), "utf8")) as { ownerUrl: string };
  const sql = postgres(runtime.ownerUrl, { max: 1, onnotice: () => {} });
  try {
    // Every committed change is in the ledger once the integrator has emptied the inbox.
    for (let i = 0; ; i++) {
      const [inbox] = await sql<{ n: number }[]>`select count(*)::int as n from ledger_inbox`;
      if (inbox?.n === 0) break;
      if (i > 600) throw new Error(`the ledger inbox still holds ${inbox?.n} entries after 60 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const [stored] = await sql<LoadResult["stored"][]>`
      with load as (select id from action_requests where starts_with(justification, ${tag})),
      runs as (select x.id from executions x join grants g on g.id = x.grant_id where g.request_id in (select id from load))
      select (select count(*)::int from load) as requests,
        (select count(*)::int from ledger_entries e where e.type = ${eventType("request.created")}
           and exists (select 1 from load where e.body::jsonb -> 'subjects' ? load.id::text)) as created,
        (select count(*)::int from runs) as executions,
        (select count(*)::int from ledger_entries e where e.type = ${eventType("action.started")}
           and exists (select 1 from runs where e.body::jsonb -> 'subjects' ? runs.id::text)) as started`;
    const owner = createDb(runtime.ownerUrl, { max: 1 });
    const signer = parseSignerKey((await readFile(path.join(dir, "ledger", "signing-key"), "utf8")).trim());
    const run = verifyStoredLedger(owner.db, {
      verifier: parseVerifierKey(signer.verifierKey),
      origin: "casefile.localhost/ledger",
      outsideNotes: await readOutsideCheckpoints(path.join(dir, "ledger", "checkpoints")),
    });
    let step = await run.next();
    while (!step.done) step = await run.next();
    await owner.close();
    const verified = step.value;
    return {
      ...options,
      latencies,
      errors,
      elapsed,
      created,
      executed,
      stored: stored ?? { requests: 0, created: 0, executions: 0, started: 0 },
      ledger: {
        ok: verified.ok,
        entries: verified.entries,
        problems: verified.problems.map((p) => p.message),
      },
    };
  } finally {
    await sql.end();
  }
}

/** Whether the database and the ledger hold exactly what the clients were told happened. */
export function reconciles(r: LoadResult): boolean {
  return (
    r.stored.requests === r.created &&
    r.stored.created === r.created &&
    r.stored.executions === r.executed &&
    r.stored.started === r.executed
  );
}

export async function loadBench({
  dataDir,
  log,
}: {
  dataDir: string;
  log: (line: string) => void;
}): Promise<Figure[]> {
  const dir = path.join(dataDir, "load");
  const { base, stop } = await startProductionServer(dir);
  const figure = (
    name: string,
    value: number,
    unit: string,
    target?: Figure["target"],
    note?: string,
  ): Figure => ({
    section: "load",
    name,
    value: Math.round(value * 10) / 10,
    unit,
    ...(target ? { target } : {}),
    ...(note ? { note } : {}),
  });
  try {
    // One client first: what a call costs the server when nothing queues in front of it.
    log("  1 client for 10 s (unloaded baseline)…");
    const alone = await runLoad({ base, dir }, { clients: 1, seconds: 10 });
    log(`  ${CLIENTS} clients for ${SECONDS} s against ${base}…`);
    const r = await runLoad({ base, dir }, { clients: CLIENTS, seconds: SECONDS });
    const all = Object.values(r.latencies)
      .flat()
      .sort((a, b) => a - b);
    const total = all.length + r.errors.length;
    if (r.errors.length) log(`  first errors: ${[...new Set(r.errors)].slice(0, 3).join(" | ")}`);
    for (const [name, samples] of Object.entries(r.latencies)) {
      const one = alone.latencies[name as keyof LoadResult["latencies"]];
      log(
        `  ${name}: ${samples.length} calls, p50 ${Math.round(percentile(samples, 50))} ms, p95 ${Math.round(percentile(samples, 95))} ms (one client alone: p50 ${Math.round(percentile(one, 50))} ms)`,
      );
    }
    log(
      `  created ${r.created} (rows ${r.stored.requests}, request.created entries ${r.stored.created}), executed ${r.executed} (rows ${r.stored.executions}, action.started entries ${r.stored.started}); ledger ${r.ledger.ok ? "verifies" : "FAILS"} (${r.ledger.entries} entries)`,
    );
    const queueAlone = percentile(alone.latencies.queue, 50);
    const timelineAlone = percentile(alone.latencies.timeline, 50);
    return [
      figure(
        `Throughput, ${r.clients} clients, ${r.seconds} s (mixed reads and writes)`,
        total / r.elapsed,
        "req/s",
      ),
      figure("Latency p50", percentile(all, 50), "ms"),
      figure("Latency p95", percentile(all, 95), "ms"),
      figure("Latency p99", percentile(all, 99), "ms"),
      figure("Queue read, one client alone, p50", queueAlone, "ms"),
      figure("Timeline read, one client alone, p50", timelineAlone, "ms"),
      figure("Errors", r.errors.length + alone.errors.length, "", { op: "<=", value: 0 }, `of ${total}`),
      figure(
        "Ledger verifies and counts reconcile",
        r.ledger.ok && reconciles(r) && reconciles(alone) ? 1 : 0,
        "",
        { op: ">=", value: 1 },
        `${r.created} requests = ${r.stored.created} request.created entries; ${r.executed} runs = ${r.stored.started} action.started`,
      ),
    ];
  } finally {
    await stop();
  }
}
