import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { seedDemo } from "@/server/demo/seed";
import { ensureActionTypes } from "../actions/types";
import { loadSessionUser } from "../auth/sessions";
import { seedDemoCases } from "../demo/cases";
import { seedDemoHistory } from "../demo/history";
import { TEST_ORIGIN, testIntegrator } from "../ledger/testing";
import { callerFor, sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { pdfText } from "../testing/pdf-text";
import { generateReport } from "./generate";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
await seedDemoCases(t.db);
await seedDemoHistory(t.db);
const ledger = await testIntegrator(t.ledger.db);
const identity = { origin: TEST_ORIGIN, verifierKey: ledger.signer.verifierKey };
const carlaCaller = await callerFor(t.db, "carla.nguyen@casefile.demo");
const carlaSession = await loadSessionUser(t.db, await sessionFor(t.db, "carla.nguyen@casefile.demo"));
if (!carlaSession) throw new Error("no session for the compliance reviewer");
const carla = carlaSession;

const to = new Date(
  Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1),
);
const from = new Date(to.getTime() - 30 * 86_400_000);
const scope = { from: from.toISOString(), to: to.toISOString() };

async function csv(report: string): Promise<Record<string, string>[]> {
  const file = await generateReport(t.db, carla, { report, scope, ledger: identity });
  return parse<Record<string, string>>(file.body.toString("utf8"), { columns: true });
}

/** The PDF's figures as a reader sees them: each label with the text run just above it. */
async function pdfFigure(labels: string[]): Promise<Map<string, string>> {
  const file = await generateReport(t.db, carla, { report: "summary.pdf", scope, ledger: identity });
  const lines = pdfText(file.body);
  return new Map(labels.map((label) => [label, lines[lines.indexOf(label) - 1] ?? "(missing)"]));
}

const count = (rows: Record<string, string>[], test: (r: Record<string, string>) => boolean) =>
  String(rows.filter(test).length);

describe("dashboard, CSV and PDF for one period", () => {
  it("show the same figures under the same labels", async () => {
    const dashboard = await carlaCaller.compliance.dashboard({ from, to });
    const shown = new Map(dashboard.headline.map((f) => [f.label, f.value]));
    const pdf = await pdfFigure([...shown.keys()]);
    // Every figure of the dashboard is in the PDF, with the same value.
    expect(Object.fromEntries(pdf)).toEqual(Object.fromEntries(shown));

    // The counts are the CSV rows, counted as a spreadsheet would.
    const [requests, grants, executions] = await Promise.all(
      ["requests.csv", "grants.csv", "executions.csv"].map(csv),
    );
    const requestsCsv = requests ?? [];
    const grantsCsv = grants ?? [];
    const executionsCsv = executions ?? [];
    const fromCsv: Record<string, string> = {
      Requests: String(requestsCsv.length),
      Approved: count(requestsCsv, (r) => r.status === "approved" && r.break_glass === "false"),
      Denied: count(requestsCsv, (r) => r.status === "denied"),
      "Expired undecided": count(requestsCsv, (r) => r.status === "expired"),
      "Still pending": count(requestsCsv, (r) => r.status === "pending"),
      Cancelled: count(requestsCsv, (r) => r.status === "cancelled"),
      "Break-glass": count(requestsCsv, (r) => r.break_glass === "true"),
      "Grants issued": String(grantsCsv.length),
      Executions: String(executionsCsv.length),
      "Failed executions": count(executionsCsv, (r) => r.status === "failed"),
    };
    for (const [label, value] of Object.entries(fromCsv))
      expect([label, shown.get(label)]).toEqual([label, value]);
    // The demo has a break-glass request: it is neither hidden nor counted twice.
    expect(shown.get("Break-glass")).toBe("1");
    expect(Number(shown.get("Approved")) + Number(shown.get("Break-glass"))).toBe(
      requestsCsv.filter((r) => r.status === "approved").length,
    );
  });
});
