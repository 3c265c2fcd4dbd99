import type { Page } from "@playwright/test";
import { demo, expect, signInViaApi, test } from "./fixtures";

// Approvers decide from their phones: the whole loop at 390 × 844.
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

/** Nothing sticks out sideways: the page scrolls only down. */
async function fitsTheWidth(page: Page) {
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
}

test("[PHONE] an approver narrows and approves from a phone; the requester sees what changed", async ({
  page,
  browser,
}, testInfo) => {
  const investigator = demo("investigator", 0);
  const approver = demo("approver", 0);

  // The investigator asks from the case timeline, on a phone too.
  await signInViaApi(page, investigator.email);
  await page.goto("/cases");
  await fitsTheWidth(page);
  await page.getByRole("row").filter({ hasText: "northwind" }).first().getByRole("link").first().click();
  await fitsTheWidth(page);
  await page.screenshot({ path: testInfo.outputPath("phone-timeline.png") });
  const trigger = page.getByTestId("timeline-event").filter({ hasText: "m.alvarez" }).first();
  await trigger.getByRole("link", { name: /Request an action/ }).click();
  const form = page.getByRole("form", { name: "Request an action" });
  await form.getByLabel("Action").selectOption("logs.query");
  await form.getByLabel("Table").selectOption("auth_logs");
  for (const column of ["ts", "username", "src_ip", "user_agent"])
    await form.getByLabel(column, { exact: true }).check();
  await form.getByLabel("Subject (user, IP or host)").fill("m.alvarez@northwind-retail.example");
  await form.getByLabel(/^From/).fill("2026-11-19T06:00");
  await form.getByLabel(/^To/).fill("2026-11-22T00:00");
  await form.getByLabel("Row cap").fill("1000");
  await form
    .getByLabel("Justification")
    .fill("User agents of every sign-in of m.alvarez, to tell the attacker's devices from hers.");
  await form.getByRole("button", { name: "Send request" }).click();
  const request = page.getByTestId("request").first();
  await expect(request).toContainText("Waiting for approval");

  // The approver: navigation folds into a menu; the queue's rows are cards.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
  const phone = await context.newPage();
  await signInViaApi(phone, approver.email);
  await phone.goto("/cases");
  await expect(phone.getByRole("navigation", { name: "Main" })).toBeHidden();
  await phone.getByRole("button", { name: "Menu" }).click();
  await phone.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" }).click();
  await expect(phone).toHaveURL(/\/approvals$/);
  await expect(phone.getByRole("navigation", { name: "Main" })).toBeHidden();
  // Same case, so the newest request (the latest to expire) is the last of its kind.
  const item = phone.getByTestId("queue-item").filter({ hasText: "Query sensitive logs" }).last();
  await expect(item).toBeVisible();
  await fitsTheWidth(phone);
  await phone.screenshot({ path: testInfo.outputPath("phone-queue.png") });
  await item.getByRole("link", { name: "Query sensitive logs" }).click();

  // The review: the decision comes right after the request, inside the screen's width.
  const decide = phone.getByRole("form", { name: "Decide" });
  await expect(decide).toBeVisible();
  await fitsTheWidth(phone);
  await decide.getByLabel("Narrow the scope, window or uses").check();
  await decide.getByLabel("user_agent", { exact: true }).uncheck();
  await decide.getByLabel(/^From/).fill("2026-11-20T02:00");
  await decide.getByLabel("Row cap").fill("200");
  const diff = decide.getByTestId("narrowing");
  await expect(diff).toContainText("− user_agent");
  await expect(diff).toContainText("1000 → 200 rows");
  await expect(diff).toContainText("→");
  const approve = decide.getByRole("button", { name: "Approve narrowed" });
  await approve.scrollIntoViewIfNeeded();
  await expect(approve).toBeInViewport({ ratio: 1 });
  await phone.screenshot({ path: testInfo.outputPath("phone-review.png") });
  await approve.tap();
  await expect(phone.getByRole("status")).toContainText("Approved: the grant is live for the requester.");

  // The requester sees requested against approved on the grant.
  const narrowing = request.getByTestId("narrowing");
  await expect(narrowing).toContainText("− user_agent");
  await expect(narrowing).toContainText("1000 → 200 rows");
  await expect(narrowing.locator('[data-field="from"]')).toContainText("→");
  await fitsTheWidth(page);
  await context.close();
});

test("[PHONE] the compliance dashboard fits a phone", async ({ page }, testInfo) => {
  await signInViaApi(page, demo("compliance", 0).email);
  await page.goto("/compliance");
  const dashboard = page.getByRole("region", { name: "Dashboard" });
  await expect(dashboard.getByRole("link", { name: /^Approved: \d+$/ })).toBeVisible();
  await fitsTheWidth(page);
  await page.screenshot({ path: testInfo.outputPath("phone-dashboard.png"), fullPage: true });
});
