/**
 * Web tier: what the server adds on top of the database work of a signed-in read. In one
 * run, on one database, at one concurrency (WEB_TIER_CONCURRENCY, 10; WEB_TIER_SECONDS,
 * 8 per target), each read is measured twice: against a plain `node:http` + postgres.js
 * floor that runs exactly the SQL the read runs (server/bench/floor-server.ts), and
 * against the production server over HTTP with a real session cookie. Then the
 * 200-client load (server/bench/load.ts) runs against the same server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { hammer, type LoadFigures } from "./http-load";
import { runLoad, reconciles, signIn, startProductionServer, trpc } from "./load";
import { type Figure, percentile } from "./report";

const CONCURRENCY = Number(process.env.WEB_TIER_CONCURRENCY ?? 10);
const SECONDS = Number(process.env.WEB_TIER_SECONDS ?? 8);
const LOAD_CLIENTS = Number(process.env.LOAD_CLIENTS ?? 200);
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 60);

type Call = { path: string; input?: unknown };
type Target = { name: string; cookie: string; calls: Call[]; app: string; ratio: number };

async function startFloor(
  spec: { url: string; targets: { name: string; cookie: string; calls: Call[] }[] },
  environment: Record<string, string>,
): Promise<{ base: string; child: ChildProcess }> {
  const script = path.join(import.meta.dirname, "floor-server.ts");
  const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(spec)], {
    env: { ...process.env, ...environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      output += d.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) =>
      reject(new Error(`the floor server exited (${code}):\n${output.slice(-2000)}`)),
    );
  });
  return { base: `http://127.0.0.1:${port}`, child };
}

const queryUrl = (base: string, call: Call) =>
  `${base}/api/trpc/${call.path}${
    call.input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: call.input }))}`
  }`;

const rounded = (n: number) => Math.round(n * 10) / 10;

function describe(f: LoadFigures): string {
  return `${Math.round(f.rps)} req/s, p50 ${rounded(f.p50)} ms, p99 ${rounded(f.p99)} ms`;
}

export async function webTierBench({
  dataDir,
  log,
}: {
  dataDir: string;
  log: (line: string) => void;
}): Promise<Figure[]> {
  const dir = path.join(dataDir, "web-tier");
  const server = await startProductionServer(dir);
  const { base } = server;
  let floor: ChildProcess | undefined;
  try {
    const ines = await signIn(base, "ines.ortega@casefile.demo");
    const priya = await signIn(base, "priya.raman@casefile.demo");
    const cases = (await trpc(base, ines).query("cases.list", {})) as
      { items?: { id: string; title: string }[] } | { id: string; title: string }[];
    const caseId = (Array.isArray(cases) ? cases : (cases.items ?? [])).find((c) =>
      c.title.includes("northwind"),
    )?.id;
    if (!caseId) throw new Error("no demo case");

    const call = (p: string, input?: unknown): Call => ({ path: p, input });
    const targets: Target[] = [
      { name: "tRPC me", cookie: ines.cookie, calls: [call("me")], app: "", ratio: 0.4 },
      {
        name: "tRPC requests.catalogue",
        cookie: ines.cookie,
        calls: [call("requests.catalogue")],
        app: "",
        ratio: 0.4,
      },
      {
        name: "tRPC requests.queue (approver)",
        cookie: priya.cookie,
        calls: [call("requests.queue", { limit: 50 })],
        app: "",
        ratio: 0.4,
      },
      {
        name: "tRPC cases.timeline.list",
        cookie: ines.cookie,
        calls: [call("cases.timeline.list", { caseId })],
        app: "",
        ratio: 0.4,
      },
      // The page's own database work: the session, and what its layout prefetches.
      {
        name: "Page /cases (server-rendered)",
        cookie: ines.cookie,
        calls: [call("me"), call("account.notices")],
        app: `${base}/cases`,
        ratio: 0.1,
      },
    ];
    for (const t of targets) {
      const [only] = t.calls;
      if (!t.app && only) t.app = queryUrl(base, only);
    }

    const runtime = JSON.parse(await readFile(path.join(dir, "runtime.json"), "utf8")) as { url: string };
    const secret = (await readFile(path.join(dir, "auth-secret"), "utf8")).trim();
    const started = await startFloor(
      { url: runtime.url, targets: targets.map(({ name, cookie, calls }) => ({ name, cookie, calls })) },
      { AUTH_SECRET: secret, NEXTAUTH_URL: base, DATABASE_URL: runtime.url, CASEFILE_DATA_DIR: dir },
    );
    floor = started.child;

    const figures: Figure[] = [];
    log(`  ${CONCURRENCY} connections, ${SECONDS} s per target (after 2 s warm-up), against ${base}`);
    for (const t of targets) {
      const options = { concurrency: CONCURRENCY, seconds: SECONDS, warmSeconds: 2 };
      const low = await hammer(`${started.base}/${encodeURIComponent(t.name)}`, options);
      const app = await hammer(t.app, { ...options, headers: { cookie: t.cookie } });
      const ratio = low.rps > 0 ? app.rps / low.rps : 0;
      log(`  ${t.name}: floor ${describe(low)}; Casefile ${describe(app)}; ratio ${ratio.toFixed(2)}`);
      if (app.firstError || low.firstError)
        log(
          `    errors: Casefile ${app.errors} (${app.firstError}), floor ${low.errors} (${low.firstError})`,
        );
      figures.push(
        {
          section: "web-tier",
          name: `${t.name}`,
          value: Math.round(app.rps),
          unit: "req/s",
          note: `p50 ${rounded(app.p50)} ms, p99 ${rounded(app.p99)} ms; floor ${describe(low)}; ${app.errors} errors`,
        },
        {
          section: "web-tier",
          name: `${t.name}: ratio to the floor`,
          // A side that failed measured nothing: no ratio.
          value: app.errors || low.errors ? 0 : Math.round(ratio * 1000) / 1000,
          unit: "×",
          target: { op: ">=", value: t.ratio },
        },
      );
    }

    log(`  load: ${LOAD_CLIENTS} clients for ${LOAD_SECONDS} s…`);
    const load = await runLoad(server, { clients: LOAD_CLIENTS, seconds: LOAD_SECONDS });
    const all = Object.values(load.latencies)
      .flat()
      .sort((a, b) => a - b);
    if (load.errors.length) log(`  first errors: ${[...new Set(load.errors)].slice(0, 3).join(" | ")}`);
    figures.push(
      {
        section: "web-tier",
        name: `Load ${load.clients} clients × ${load.seconds} s: p95`,
        value: Math.round(percentile(all, 95)),
        unit: "ms",
        target: { op: "<=", value: 1000 },
        note: `p50 ${Math.round(percentile(all, 50))} ms, ${Math.round(all.length / load.elapsed)} req/s`,
      },
      {
        section: "web-tier",
        name: "Load: errors",
        value: load.errors.length,
        unit: "",
        target: { op: "<=", value: 0 },
        note: `of ${all.length + load.errors.length}`,
      },
      {
        section: "web-tier",
        name: "Load: ledger verifies and counts reconcile",
        value: load.ledger.ok && reconciles(load) ? 1 : 0,
        unit: "",
        target: { op: ">=", value: 1 },
      },
    );
    return figures;
  } finally {
    floor?.kill("SIGTERM");
    await server.stop();
  }
}
