import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Download, Page } from "@playwright/test";
import { DEMO_INCIDENT } from "@/server/demo/incident";
import { verifyEvidenceBundle } from "@/server/ledger/bundle";
import { parseSignerKey } from "@/server/ledger/checkpoint";
import { demo, expect, signInViaApi, test } from "./fixtures";

// The e2e server keeps its ledger key here (playwright.config.ts): the key a verifier trusts.
const SIGNING_KEY_FILE = path.join(".data", `e2e-${process.env.E2E_PORT ?? 3100}`, "ledger", "signing-key");

async function downloadBytes(page: Page, button: string): Promise<{ download: Download; bytes: Buffer }> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: button }).click(),
  ]);
  return { download, bytes: await readFile(await download.path()) };
}

test("[REPORTS] a compliance reviewer downloads the demo case's PDF and an evidence bundle that verifies", async ({
  page,
}, testInfo) => {
  await signInViaApi(page, demo("compliance").email);
  await page.goto("/compliance");
  await page.getByRole("navigation", { name: "Compliance" }).getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { name: "Reports" })).toBeVisible();

  await page.getByLabel("A case").check();
  const select = page.getByLabel("Case", { exact: true });
  const caseKey = await select.locator("option", { hasText: DEMO_INCIDENT.title }).getAttribute("value");
  expect(caseKey).toMatch(/^CASE-\d{4}-\d{4}$/);
  await select.selectOption(caseKey ?? "");
  await page.screenshot({ path: testInfo.outputPath("reports.png"), fullPage: true });

  const pdf = await downloadBytes(page, "Download PDF summary");
  expect(pdf.download.suggestedFilename()).toBe(`casefile-${caseKey}-summary.pdf`);
  expect(pdf.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(pdf.bytes.length).toBeGreaterThan(2_000);
  // A complete document: a catalog, at least one page, and the end-of-file marker.
  const text = pdf.bytes.toString("latin1");
  expect(text).toContain("/Type /Catalog");
  expect(text).toMatch(/\/Type \/Page\b/);
  expect(text.trimEnd().endsWith("%%EOF")).toBe(true);
  await expect(page.getByRole("status")).toContainText(/Downloaded PDF summary: .*SHA-256 [0-9a-f]{64}/);

  // The integrator signs a checkpoint within about a second of the case's entries.
  const bundle = await downloadBytes(page, "Download Signed evidence bundle");
  expect(bundle.download.suggestedFilename()).toBe(`casefile-${caseKey}-evidence-bundle.json`);
  const trustedKey = parseSignerKey((await readFile(SIGNING_KEY_FILE, "utf8")).trim()).verifierKey;
  const report = verifyEvidenceBundle(bundle.bytes.toString("utf8"), trustedKey);
  expect(report.problems).toEqual([]);
  expect(report).toMatchObject({ ok: true, keyFromFile: false, scope: { kind: "case", caseKey } });
  expect(report.entries).toBeGreaterThan(5);

  const tampered = bundle.bytes.toString("utf8").replace("case.created", "case.creatde");
  expect(verifyEvidenceBundle(tampered, trustedKey).ok).toBe(false);
});

test("[REPORTS] reports are for compliance reviewers only", async ({ page }) => {
  const anonymous = await page.request.get("/api/reports/summary.pdf?from=2026-01-01&to=2026-02-01");
  expect(anonymous.status()).toBe(401);

  await signInViaApi(page, demo("investigator").email);
  const investigator = await page.request.get("/api/reports/requests.csv?from=2026-01-01&to=2026-02-01");
  expect(investigator.status()).toBe(403);
  const response = await page.goto("/compliance/reports");
  expect(response?.status()).toBe(404);

  await page.context().clearCookies();
  const reviewer = page;
  await signInViaApi(reviewer, demo("compliance").email);
  const badInput = await reviewer.request.get("/api/reports/requests.csv?from=2026-02-01&to=2026-01-01");
  expect(badInput.status()).toBe(400);
  expect(await badInput.json()).toMatchObject({ error: { code: "BAD_REQUEST", field: "to" } });
  const csv = await reviewer.request.get("/api/reports/requests.csv?from=2026-01-01&to=2026-02-01");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  expect((await csv.text()).split("\n")[0]).toMatch(/^request_id,case_key,action,/);
});
