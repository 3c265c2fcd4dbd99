/**
 * Two app instances on one PostgreSQL, as behind a load balancer: live events cross between
 * them, one of them integrates the ledger, and the other takes over when it is killed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { ensureDatabase, freePort, startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { APP_ROLE, enableRoleLogins, LEDGER_ROLE, urlAs } from "@/db/roles";
import { demo, expect, signInViaApi, test } from "./fixtures";

const LEADER_LOCK = 7_412_003;
const DATA_DIR = path.resolve(".data", "e2e-instances");
const PASSWORDS = { app: "instances-app", ledger: "instances-ledger" };

type Instance = { name: string; url: string; process: ChildProcess; output: string[] };

async function startInstance(
  name: string,
  database: { app: string; ledger: string; owner: string },
  seed: boolean,
): Promise<Instance> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "server/cli/serve.ts"], {
    detached: true, // its own process group: killed with its `next start` child
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      NEXTAUTH_URL: url,
      DATABASE_URL: database.app,
      LEDGER_DATABASE_URL: database.ledger,
      DATABASE_OWNER_URL: database.owner,
      // Both instances share the data folder's secrets and ledger signing key, as a deployment would.
      CASEFILE_DATA_DIR: DATA_DIR,
      CASEFILE_SEED_DEMO: seed ? "true" : "false",
      CASEFILE_PASSWORD_SIGN_IN: "true",
      CASEFILE_OIDC_ISSUER: "",
      AUTH_SECRET: "instances-auth-secret-0123456789abcdef",
      // Names the instance's database sessions, so the test can see which one leads.
      PGAPPNAME: `casefile-${name}`,
    },
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  await expect
    .poll(async () => (await fetch(`${url}/sign-in`).catch(() => null))?.status ?? 0, {
      timeout: 120_000,
      message: `${name} serves sign-in`,
    })
    .toBe(200);
  return { name, url, process: child, output };
}

function kill(instance: Instance) {
  if (instance.process.pid && instance.process.exitCode === null) {
    try {
      process.kill(-instance.process.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

test("[INSTANCES] two instances on one database: live events cross, one leader integrates, the other takes over", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  await rm(DATA_DIR, { recursive: true, force: true });
  await mkdir(DATA_DIR, { recursive: true });
  const cluster = await startEmbeddedPostgres({ dir: DATA_DIR, persistent: false });
  const instances: Instance[] = [];
  const owner = postgres(cluster.urlFor("casefile"), { max: 2, onnotice: () => {} });
  try {
    await ensureDatabase(cluster.adminUrl, "casefile");
    const ownerUrl = cluster.urlFor("casefile");
    await runMigrations(ownerUrl);
    await enableRoleLogins(ownerUrl, PASSWORDS);
    const database = {
      app: urlAs(ownerUrl, APP_ROLE, PASSWORDS.app),
      ledger: urlAs(ownerUrl, LEDGER_ROLE, PASSWORDS.ledger),
      owner: ownerUrl,
    };
    const a = await startInstance("a", database, true);
    instances.push(a);
    const b = await startInstance("b", database, false);
    instances.push(b);

    const leaders = async () =>
      (
        await owner<{ name: string }[]>`
          select a.application_name as name from pg_locks l join pg_stat_activity a using (pid)
          where l.locktype = 'advisory' and l.objid = ${LEADER_LOCK} and l.granted`
      ).map((row) => row.name);
    await expect.poll(leaders, { message: "exactly one instance leads" }).toHaveLength(1);
    expect(["casefile-a", "casefile-b"]).toContain((await leaders())[0]);

    // The approver watches the queue served by B; the investigator asks on A.
    const approverPage = await (await browser.newContext({ baseURL: b.url })).newPage();
    await signInViaApi(approverPage, demo("approver", 0).email);
    await approverPage.goto("/approvals");
    const item = approverPage.getByTestId("queue-item").filter({ hasText: "Query sensitive logs" });
    await expect(item).toHaveCount(0);

    const page = await (await browser.newContext({ baseURL: a.url })).newPage();
    await signInViaApi(page, demo("investigator", 0).email);
    await page.goto("/cases");
    await page.getByRole("row").filter({ hasText: "northwind" }).first().getByRole("link").first().click();
    const trigger = page.getByTestId("timeline-event").filter({ hasText: "m.alvarez" }).first();
    await trigger.getByRole("link", { name: /Request an action/ }).click();
    const form = page.getByRole("form", { name: "Request an action" });
    await form.getByLabel("Action").selectOption("logs.query");
    await form.getByLabel("Table").selectOption("auth_logs");
    await form.getByLabel("ts", { exact: true }).check();
    await form.getByLabel("Subject (user, IP or host)").fill("m.alvarez@northwind-retail.example");
    await form.getByLabel("From (UTC)").fill("2026-11-19T00:00");
    await form.getByLabel("To (UTC)").fill("2026-11-22T00:00");
    await form.getByLabel("Row cap").fill("100");
    await form
      .getByLabel("Justification")
      .fill("Sign-in times of m.alvarez around the takeover, asked on one instance and decided on another.");
    await form.getByRole("button", { name: "Send request" }).click();
    const request = page.getByTestId("request").first();
    await expect(request).toContainText("Waiting for approval");

    // Live across instances: the request reaches B's queue, B's decision reaches A's page.
    await expect(item).toHaveCount(1);
    await item.getByRole("link", { name: "Query sensitive logs" }).click();
    const decide = approverPage.getByRole("form", { name: "Decide" });
    await decide.getByLabel("Comment").fill("Decided on the other instance.");
    await decide.getByRole("button", { name: "Approve as requested" }).click();
    await expect(approverPage.getByRole("status")).toContainText("Approved");
    await expect(request.getByTestId("grant")).toContainText("Granted");

    // Kill the leader outright; the other instance takes over and integrates what it left.
    const leaderName = (await leaders())[0];
    const leader = leaderName === "casefile-a" ? a : b;
    const survivor = leader === a ? b : a;
    kill(leader);
    await expect
      .poll(leaders, { timeout: 20_000, message: `${survivor.name} takes over` })
      .toEqual([`casefile-${survivor.name}`]);

    // Entries written after the takeover are integrated too (a sign-in on the survivor).
    const after = await (await browser.newContext({ baseURL: survivor.url })).newPage();
    await signInViaApi(after, demo("compliance", 0).email);
    await expect
      .poll(async () => (await owner<{ n: number }[]>`select count(*)::int as n from ledger_inbox`)[0]?.n, {
        timeout: 20_000,
        message: "the inbox drains",
      })
      .toBe(0);
    const [counts] = await owner<{ entries: number; next: number }[]>`
      select count(*)::int as entries, coalesce(max(seq) + 1, 0)::int as next from ledger_entries`;
    expect(counts?.next).toBe(counts?.entries); // dense: nothing lost, nothing doubled
    // The request asked on A and granted on B: each step has exactly one entry.
    const [steps] = await owner<{ created: number; granted: number }[]>`
      select count(*) filter (where e.type = 'request.created')::int as created,
             count(*) filter (where e.type = 'grant.created')::int as granted
      from ledger_entries e, action_requests r
      where r.justification like '%asked on one instance and decided on another%'
        and e.body like '%' || r.id::text || '%'`;
    expect(steps).toEqual({ created: 1, granted: 1 });

    // The whole ledger verifies against its signed checkpoints.
    const verify = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "server/cli/ledger-verify.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: database.app,
        DATABASE_OWNER_URL: database.owner,
        CASEFILE_DATA_DIR: DATA_DIR,
      },
    });
    let verdict = "";
    verify.stdout.on("data", (chunk: Buffer) => (verdict += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => verify.on("close", resolve));
    expect(verdict).toContain("OK: the ledger verifies.");
    expect(code).toBe(0);
  } finally {
    for (const instance of instances) kill(instance);
    await owner.end();
    await cluster.stop();
  }
});
