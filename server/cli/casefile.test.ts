/** The command line, spawned as a user runs it, against the REST API over real HTTP. */
import { execFile } from "node:child_process";
import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { ensureActionTypes } from "../actions/types";
import { createApiHandler } from "../api/handler";
import { serveApi } from "../api/node-server";
import { seedConnector } from "../connectors/connectors";
import { approveAsSeen, callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { testSystems } from "../testing/systems";
import { tokenFor } from "../testing/tokens";

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
const { server, url } = await serveApi(createApiHandler({ db: t.db, ratePerMinute: 1000, alertSources: [] }));
afterAll(() => server.close());
const origin = url.replace(/\/api\/v1$/, "");
const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
const { key: caseKey, id: caseId } = await ines.cases.create({
  title: "CLI case",
  summary: "",
  severity: 3,
  tlp: "amber",
});
const { token } = await tokenFor(t.db, "ines.ortega@casefile.demo");
const credentials = join(await mkdtemp(join(tmpdir(), "casefile-cli-")), "credentials.json");

function casefile(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "node_modules/.bin/tsx",
      ["server/cli/casefile.ts", ...args],
      { env: { ...process.env, CASEFILE_CREDENTIALS_FILE: credentials }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const REASON = "Sign-ins of the suspect account during the incident window, for the timeline.";
const params = [
  "--param",
  "table=auth_logs",
  "--param",
  'columns=["ts","src_ip","result"]',
  "--param",
  "subject=m.alvarez@northwind-retail.example",
  "--param",
  "from=2026-11-19T00:00:00Z",
  "--param",
  "to=2026-11-20T12:00:00Z",
  "--param",
  "rowCap=100",
];

/** The approver acts once the request shows up, while the command line waits. */
async function decideWhenAsked(decision: "approve" | "deny"): Promise<void> {
  for (;;) {
    const { requests } = await ines.requests.ofCase({ caseId });
    const pending = requests.find((r) => r.status === "pending");
    if (pending) {
      if (decision === "approve") await approveAsSeen(priya, pending.id);
      else {
        const review = await priya.requests.review({ requestId: pending.id });
        await priya.requests.decide({
          requestId: pending.id,
          paramsHashSeen: review.request.paramsHash,
          decision: "deny",
          comment: "Not without the legal hold.",
        });
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Each command is a fresh Node process (a few seconds on a busy machine).
describe("casefile command line", { timeout: 180_000 }, () => {
  it("logs in (token file 0600), lists and shows cases", async () => {
    expect((await casefile("cases")).code).toBe(1);
    const login = await casefile("login", "--url", origin, "--token", token);
    expect(login.code).toBe(0);
    expect(login.stdout).toContain("ines.ortega@casefile.demo");
    expect((await stat(credentials)).mode & 0o777).toBe(0o600);
    const list = await casefile("cases", "--json");
    expect((JSON.parse(list.stdout) as { key: string }[]).map((c) => c.key)).toContain(caseKey);
    const show = await casefile("case", "show", caseKey);
    expect([show.code, show.stdout]).toEqual([0, expect.stringContaining("CLI case")]);
    expect((await casefile("case", "show", "CASE-1999-0001")).code).toBe(1);
    const event = await casefile("event", "add", "--case", caseKey, "--title", "Noticed from the terminal");
    expect(event.code).toBe(0);
  });

  it("requests and waits while an approver approves, then runs the grant and prints the evidence hash", async () => {
    const [waited] = await Promise.all([
      casefile("request", "logs.query", "--case", caseKey, ...params, "--reason", REASON, "--wait", "--json"),
      decideWhenAsked("approve"),
    ]);
    expect(waited.code).toBe(0);
    const decided = JSON.parse(waited.stdout) as { status: string; grant: { id: string; expiresAt: string } };
    expect(decided.status).toBe("approved");
    const run = await casefile("run", decided.grant.id, "--case", caseKey);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^succeeded: .*\nevidence sha256 [0-9a-f]{64}/s);
    const grants = await casefile("grants", "--case", caseKey);
    expect(grants.stdout).toContain(decided.grant.id);
  });

  it("exits 2 when the request is denied", async () => {
    const [waited] = await Promise.all([
      casefile("request", "logs.query", "--case", caseKey, ...params, "--reason", REASON, "--wait"),
      decideWhenAsked("deny"),
    ]);
    expect([waited.code, waited.stdout]).toEqual([2, expect.stringContaining("denied")]);
  });
});
