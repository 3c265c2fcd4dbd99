import { pdfText } from "@/server/testing/pdf-text";
import { demo, expect, signInViaApi, test } from "./fixtures";

test("[COMPLIANCE] the dashboard and the PDF summary of one period show the same figures", async ({
  page,
}) => {
  await signInViaApi(page, demo("compliance", 0).email);
  const to = new Date();
  to.setUTCHours(0, 0, 0, 0);
  to.setUTCDate(to.getUTCDate() + 1);
  const from = new Date(to.getTime() - 30 * 86_400_000);
  const period = `from=${from.toISOString()}&to=${to.toISOString()}`;
  await page.goto(`/compliance?${period}`);
  const dashboard = page.getByRole("region", { name: "Dashboard" });
  await expect(dashboard.getByRole("link", { name: /^Approved: \d+$/ })).toBeVisible();
  const shown = new Map<string, string>();
  for (const label of ["Requests", "Approved", "Denied", "Break-glass", "Grants issued", "Executions"]) {
    const name = await dashboard
      .getByRole("link", { name: new RegExp(`^${label}: `) })
      .getAttribute("aria-label");
    shown.set(label, name?.slice(label.length + 2) ?? "");
  }
  const response = await page.request.get(`/api/reports/summary.pdf?${period}`);
  expect(response.ok()).toBe(true);
  const lines = pdfText(await response.body());
  const inPdf = new Map(
    [...shown.keys()].map((label) => [label, lines[lines.indexOf(label) - 1] ?? "(missing)"]),
  );
  expect(Object.fromEntries(inPdf)).toEqual(Object.fromEntries(shown));
});
