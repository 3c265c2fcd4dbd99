/**
 * The floor of the web-tier bench: a plain `node:http` server over postgres.js that runs
 * exactly the SQL a Casefile read runs, and nothing else. At start it makes each named
 * call once through the app's router with a real session (recording every statement and
 * its parameters), then answers `GET /<name>` by replaying those statements (prepared)
 * and returning the last result as JSON.
 *
 * Input (argv[2], JSON): { url, targets: [{ name, cookie, calls: [{ path, input }] }] }; the environment
 * carries AUTH_SECRET and NEXTAUTH_URL of the server whose sessions the cookies name.
 * Prints "listening <port>" once it accepts requests.
 */
import { createServer } from "node:http";
import postgres from "postgres";
import { loadServerOnlyAsServer } from "../http/server-only";

type Call = { path: string; input?: unknown };
type Target = { name: string; cookie: string; calls: Call[] };
type Spec = { url: string; targets: Target[] };
type Statement = { query: string; params: unknown[] };

const spec = JSON.parse(process.argv[2] ?? "{}") as Spec;
loadServerOnlyAsServer();
const { drizzle } = await import("drizzle-orm/postgres-js");
const schema = await import("@/db/schema");
const { resolveRequestUser } = await import("../auth/request-user");
const { createCaller } = await import("../trpc/routers/_app");

let recording: Statement[] | null = null;
const capture = postgres(spec.url, {
  max: 1,
  onnotice: () => {},
  debug: (_connection, query, params) => {
    recording?.push({ query, params: [...(params as unknown[])] });
  },
});
const db = drizzle({ client: capture, schema, casing: "snake_case" });

/** Runs the calls once through the router with the session's user and returns their statements. */
async function record(target: Target): Promise<Statement[]> {
  recording = [];
  const headers = new Headers({ cookie: target.cookie });
  const user = await resolveRequestUser(db, headers);
  if (!user) throw new Error(`${target.name}: the session does not resolve`);
  const caller = createCaller({ db, user, meta: { requestId: "floor", ip: null, userAgent: null } });
  for (const call of target.calls) {
    let procedure: unknown = caller;
    for (const key of call.path.split(".")) procedure = (procedure as Record<string, unknown>)[key];
    await (procedure as (input: unknown) => Promise<unknown>)(call.input);
  }
  const statements = recording;
  recording = null;
  return statements;
}

const plans = new Map<string, Statement[]>();
for (const target of spec.targets) plans.set(target.name, await record(target));
await capture.end();

const sql = postgres(spec.url, { max: 10, onnotice: () => {} });

/** Replays statements; a captured transaction runs as one on a single connection. */
async function replay(statements: Statement[]): Promise<unknown> {
  const inTransaction = statements.some((s) => /^begin\b/i.test(s.query));
  if (!inTransaction) {
    let last: unknown = null;
    for (const s of statements) last = await sql.unsafe(s.query, s.params as never[], { prepare: true });
    return last;
  }
  const body = statements.filter((s) => !/^(begin|commit|rollback)\b/i.test(s.query));
  return sql.begin(async (tx) => {
    let last: unknown = null;
    for (const s of body) last = await tx.unsafe(s.query, s.params as never[], { prepare: true });
    return last;
  });
}

const server = createServer((req, res) => {
  const plan = plans.get(decodeURIComponent((req.url ?? "").slice(1)));
  if (!plan) {
    res.writeHead(404).end();
    return;
  }
  replay(plan).then(
    (rows) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(rows));
    },
    (error: unknown) => {
      res.writeHead(500).end(String(error));
    },
  );
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  console.log(`listening ${port}`);
  for (const [name, plan] of plans) console.log(`plan ${name}: ${plan.length} statements`);
});
process.on("SIGTERM", () => {
  server.close();
  void sql.end({ timeout: 1 }).finally(() => process.exit(0));
});
