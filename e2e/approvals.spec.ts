import { demo, expect, signInViaApi, test } from "./fixtures";

test("[APPROVALS] approver sees a request live, narrows the window and approves; the investigator runs it once", async ({
  page,
  browser,
  signInAs,
}, testInfo) => {
  // Three people in three browsers, from the request to the second, refused run.
  test.setTimeout(90_000);
  const investigator = demo("investigator", 0); // Ines, lead of the demo incident
  const approver = demo("approver", 0); // Priya, clearance 4
  const otherApprover = demo("approver", 1); // Tom, clearance 2: enough for a medium-risk logs query

  const approverContext = await browser.newContext();
  const queue = await approverContext.newPage();
  await signInViaApi(queue, approver.email);
  await queue.goto("/approvals");
  const otherContext = await browser.newContext();
  const otherQueue = await otherContext.newPage();
  await signInViaApi(otherQueue, otherApprover.email);
  await otherQueue.goto("/approvals");
  const logsItem = (p: typeof page) =>
    p.getByTestId("queue-item").filter({ hasText: "Query sensitive logs" });
  await expect(logsItem(queue)).toHaveCount(0);

  // The investigator asks from the timeline event that triggered the need.
  await signInAs(investigator.email);
  await page.goto("/cases");
  await page.getByRole("row").filter({ hasText: "northwind" }).first().getByRole("link").first().click();
  const trigger = page.getByTestId("timeline-event").filter({ hasText: "m.alvarez" }).first();
  await trigger.getByRole("link", { name: /Request an action/ }).click();
  const form = page.getByRole("form", { name: "Request an action" });
  await form.getByLabel("Action").selectOption("logs.query");
  await expect(form.getByTestId("policy-summary")).toContainText("clearance ≥ 2");
  await form.getByLabel("Table").selectOption("auth_logs");
  for (const column of ["ts", "username", "src_ip", "result"])
    await form.getByLabel(column, { exact: true }).check();
  await form.getByLabel("Subject (user, IP or host)").fill("m.alvarez@northwind-retail.example");
  await form.getByLabel("From (UTC)").fill("2026-11-19T00:00");
  await form.getByLabel("To (UTC)").fill("2026-11-22T00:00");
  await form.getByLabel("Row cap").fill("5000");
  await expect(form.getByLabel("Trigger event")).not.toHaveValue("");
  await form.getByLabel("Justification").fill("too short");
  await form.getByRole("button", { name: "Send request" }).click();
  await expect(form.getByLabel("Justification")).toHaveAccessibleDescription(/at least 4 words/);
  await form
    .getByLabel("Justification")
    .fill(
      "Sign-in history of m.alvarez around the takeover, to find every source address the attacker used.",
    );
  await form.getByRole("button", { name: "Send request" }).click();
  const request = page.getByTestId("request").first();
  await expect(request).toContainText("Waiting for approval");

  // Both approvers' queues show it without a reload.
  await expect(logsItem(queue)).toHaveCount(1);
  await expect(logsItem(otherQueue)).toHaveCount(1);

  await logsItem(queue).getByRole("link", { name: "Query sensitive logs" }).click();
  await expect(queue.getByTestId("grant-description")).toContainText(
    "Read columns ts, username, src_ip, result of auth_logs for m.alvarez@northwind-retail.example",
  );
  await expect(queue.getByTestId("policy-explanation")).toContainText("0 of 1 given");
  await expect(queue.locator("[data-trigger]")).toHaveCount(1);
  await expect(queue.getByRole("region", { name: "Case" })).toContainText("northwind-retail");
  await queue.screenshot({ path: testInfo.outputPath("review.png"), fullPage: true });

  const decide = queue.getByRole("form", { name: "Decide" });
  await decide.getByLabel("Narrow the scope, window or uses").check();
  await decide.getByLabel("From (UTC)").fill("2026-11-20T00:00");
  await decide.getByLabel("Minutes").fill("10");
  await expect(decide.getByTestId("narrowing").locator('[data-field="duration"]')).toContainText("→ 10 min");
  await decide.getByLabel("Comment").fill("The takeover window only.");
  await decide.getByRole("button", { name: "Approve narrowed" }).click();
  await expect(queue.getByRole("status")).toContainText("Approved: the grant is live for the requester.");

  // The investigator sees the grant appear, with the narrowed scope, and runs it.
  const grant = request.getByTestId("grant");
  await expect(grant).toContainText("Granted");
  await expect(request.locator('[data-param="from"]')).toHaveText("2026-11-20T00:00:00Z");
  await expect(request).toContainText("Priya Raman approved (narrowed): The takeover window only.");
  // Requested against approved, side by side.
  await expect(request.getByTestId("narrowing").locator('[data-field="from"]')).toContainText(
    /2026-11-19 00:00 .* → 2026-11-20 00:00/,
  );
  await expect(request.getByTestId("narrowing").locator('[data-field="duration"]')).toContainText("→ 10 min");
  await grant.getByRole("button", { name: "Run now" }).click();
  // The demo's evidence store answers: the rows land in the case as hashed evidence.
  await expect(grant.getByRole("status")).toContainText(/Collected \d+ row\(s\) of auth_logs/);
  await expect(grant).toContainText("Grant ended (used)");
  // A spent grant offers nothing to run (the server refuses a second run anyway: actions tests).
  await expect(grant.getByRole("button", { name: "Run now" })).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("workspace-actions.png"), fullPage: true });

  // The decided request has left the other approver's queue.
  await expect(logsItem(otherQueue)).toHaveCount(0);
  await approverContext.close();
  await otherContext.close();
});

test("[APPROVALS] a request is not found for someone it is not routed to", async ({ page, signInAs }) => {
  await signInAs(demo("approver", 1).email);
  const response = await page.goto("/approvals/00000000-0000-4000-8000-000000000000");
  expect(response?.status()).toBe(404);
});
