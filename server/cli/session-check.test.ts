import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "@/db/client";
import { appendTestEntry } from "../ledger/testing";
import { Leadership } from "../ledger/leader";
import { liveHub, publish, type LiveEvent } from "../realtime/live";
import { testDatabase } from "../testing/db";
import { startPgBouncer } from "../testing/pgbouncer";
import { TEST_ROLE_PASSWORDS } from "../testing/urls";
import { keepsSession, requireSession } from "./session-check";

const t = await testDatabase();
const bouncer = await startPgBouncer(t.url, {
  casefile_app: TEST_ROLE_PASSWORDS.app,
  casefile_ledger: TEST_ROLE_PASSWORDS.ledger,
});
afterAll(() => bouncer.stop());

const refusal = (variable: string) =>
  `${variable} leads to a connection pooler that does not keep one database session per connection ` +
  "(such as PgBouncer with pool_mode=transaction), but live updates (LISTEN/NOTIFY) and the ledger's " +
  "leader lock need one: use session pooling (pool_mode=session) or connect to PostgreSQL directly.";

/** `npm run worker` as its own process against the given connections. */
async function startWorker(urls: { app: string; ledger: string }) {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("server/cli/worker.ts")], {
    env: {
      ...process.env,
      DATABASE_URL: urls.app,
      LEDGER_DATABASE_URL: urls.ledger,
      DATABASE_OWNER_URL: t.ownerUrl,
      CASEFILE_DATA_DIR: await mkdtemp(path.join(tmpdir(), "casefile-pooling-")),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    exited,
    output: () => ({ stdout, stderr }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

describe("connection pooling", () => {
  it("a direct connection keeps its session", async () => {
    expect(await keepsSession(t.url)).toBe(true);
  });

  it("refuses to start behind PgBouncer's transaction pooling with one sentence naming the variable", async () => {
    const worker = await startWorker({ app: bouncer.through(t.url, "transaction"), ledger: t.ledgerUrl });
    try {
      expect(await worker.exited).toBe(1);
      expect(worker.output().stderr.trim()).toBe(refusal("DATABASE_URL"));
    } finally {
      await worker.stop();
    }

    await expect(
      requireSession(bouncer.through(t.ledgerUrl, "transaction"), "LEDGER_DATABASE_URL"),
    ).rejects.toThrow(refusal("LEDGER_DATABASE_URL"));
  }, 120_000);

  it("runs behind session pooling: the check passes, the ledger leader integrates, live updates arrive", async () => {
    const appUrl = bouncer.through(t.url, "session");
    const ledgerUrl = bouncer.through(t.ledgerUrl, "session");
    expect(await keepsSession(appUrl)).toBe(true);

    // One leader at a time through the pooler, as on a direct connection.
    const [first, second] = [new Leadership(ledgerUrl), new Leadership(ledgerUrl)];
    try {
      expect(await first.held()).toBe(true);
      expect(await second.held()).toBe(false);
      expect(await first.held()).toBe(true);
    } finally {
      await Promise.all([first.release(), second.release()]);
    }

    // LISTEN through the pooler hears a notification committed on another connection.
    const listener = createDb(appUrl, { max: 1 });
    const heard: LiveEvent[] = [];
    const stop = await liveHub(listener.db).subscribe((event) => heard.push(event));
    const event: LiveEvent = {
      kind: "request.created",
      requestId: "00000000-0000-4000-8000-00000000000a",
      caseId: "00000000-0000-4000-8000-00000000000b",
      userIds: [],
      roles: ["approver"],
    };
    await t.db.transaction((tx) => publish(tx, event));
    await expect.poll(() => heard).toEqual([event]);
    stop();
    await listener.close();

    // The worker starts through the pooler and its integrator sequences a new entry.
    const worker = await startWorker({ app: appUrl, ledger: ledgerUrl });
    try {
      await expect
        .poll(() => worker.output().stdout, { timeout: 60_000, interval: 200 })
        .toContain("Casefile worker (pid");
      await appendTestEntry(t.db, { type: "test.event", actor: null });
      const count = async (table: "ledger_inbox" | "ledger_entries") =>
        (
          await t.owner.db.execute<{ n: number }>(
            sql`select count(*)::int as n from ${sql.identifier(table)}`,
          )
        )[0]?.n;
      await expect.poll(() => count("ledger_inbox"), { timeout: 30_000 }).toBe(0);
      expect(await count("ledger_entries")).toBe(1);
    } finally {
      expect(await worker.stop()).toBe(0);
    }
    expect(worker.output().stderr).toContain("ledger integrator: leading");
  }, 180_000);
});
