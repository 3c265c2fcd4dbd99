import { readFile } from "node:fs/promises";
import { demo, expect, test } from "./fixtures";

test("[COMPLIANCE] a reviewer finds the demo's rubber-stamping, drills into the approvals behind it and acknowledges it", async ({
  page,
  signInAs,
}, testInfo) => {
  await signInAs(demo("compliance", 0).email);
  await page.goto("/compliance");
  // The scheduler runs the detectors every minute; a reviewer can also run them now.
  await page.getByRole("button", { name: "Run detectors now" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Ran 14 detectors" })).toBeVisible();

  const dashboard = page.getByRole("region", { name: "Dashboard" });
  await expect(dashboard.getByTestId("activity-chart").locator("svg").first()).toBeVisible();
  await expect(dashboard.getByRole("link", { name: /^Approved: \d+$/ })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("compliance-dashboard.png"), fullPage: true });

  const finding = page
    .getByTestId("finding")
    .filter({ hasText: "Tom Becker approves quickly or without comment" });
  await expect(finding).toHaveAttribute("data-status", "open");
  await finding.getByRole("link").click();
  await expect(page.getByRole("region", { name: "Finding" })).toContainText("within 30 s of the request");
  const approvals = page.getByRole("region", { name: "Approvals behind it" });
  // The header and the demo's eight quick, silent approvals (more if earlier specs added some).
  await expect(approvals.getByRole("row").nth(8)).toBeVisible();
  await expect(approvals.getByRole("row").last()).toContainText("Tom Becker");
  await expect(approvals.getByRole("row").last()).toContainText("(none)");
  await page.screenshot({ path: testInfo.outputPath("finding.png"), fullPage: true });

  await page.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByTestId("finding-status")).toHaveText("acknowledged");
  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.getByLabel("Note")).toHaveAccessibleDescription("Say why, in a few words");

  // A dashboard figure opens the rows it counts.
  await page.goto("/compliance");
  await dashboard.getByRole("link", { name: /^Approved: \d+$/ }).click();
  await expect(page.getByRole("heading", { name: "Rows behind: approved" })).toBeVisible();
  await expect(page.getByTestId("row").first()).toContainText("logs.query");

  // And the period's PDF summary, for the record.
  await page.getByRole("navigation", { name: "Compliance" }).getByRole("link", { name: "Reports" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download PDF summary" }).click(),
  ]);
  const pdf = await readFile(await download.path());
  expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(pdf.length).toBeGreaterThan(2_000);
});

test("[COMPLIANCE] the compliance section is not for investigators", async ({ page, signInAs }) => {
  await signInAs(demo("investigator", 1).email);
  const response = await page.goto("/compliance/findings");
  expect(response?.status()).toBe(404);
});
