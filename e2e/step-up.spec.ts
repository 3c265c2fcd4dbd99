import { totpCode } from "@/server/testing/totp";
import { DEMO_PASSWORD, demo, expect, formAlert, signInViaApi, signInViaForm, test } from "./fixtures";

// These tests leave Priya (approver) and Sam (admin) enrolled in a second factor, so no later spec
// may sign them in with a password alone: keep this file last in the run (files run in name order).
// They run in order: the first enrols Priya and keeps her recovery codes for the ones after it.
test.describe.configure({ mode: "serial" });
const priyaRecoveryCodes: string[] = [];

test("[AUTH] a high-risk approval needs a second factor, which is recorded with it", async ({
  page,
  browser,
  signInAs,
}, testInfo) => {
  // Three people and two enrolments: more than the default budget on a busy machine.
  test.setTimeout(60_000);
  await signInAs(demo("investigator", 0).email);
  await page.goto("/cases");
  await page.getByRole("row").filter({ hasText: "northwind" }).first().getByRole("link").first().click();
  await page.getByRole("link", { name: "Actions" }).click();
  const form = page.getByRole("form", { name: "Request an action" });
  await form.getByLabel("Action").selectOption("db.session.terminate");
  await form.getByLabel("Target database").fill("db-cust-01");
  await form.getByLabel("Backend pid (optional)").fill("48213");
  await form
    .getByLabel("Justification")
    .fill("Backend 48213 on db-cust-01 is the attacker's open session; end it now.");
  await form.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByTestId("request").first()).toContainText("Waiting for approval");

  const context = await browser.newContext();
  const approver = await context.newPage();
  await signInViaApi(approver, demo("approver", 0).email);
  await approver.goto("/approvals");
  await approver.getByRole("link", { name: "Terminate a database session" }).click();
  await approver.waitForURL(/\/approvals\/[0-9a-f-]{36}$/);
  const reviewUrl = approver.url();
  const decide = approver.getByRole("form", { name: "Decide" });
  await decide.getByRole("button", { name: "Approve as requested" }).click();
  await expect(decide.getByRole("alert")).toHaveText(
    "High-risk approvals need a second factor: set one up under Your account first",
  );

  // Enrol: confirm it's her (password), then the key shown with the QR code and a code computed from it.
  await approver.goto("/account");
  await approver.getByRole("button", { name: "Set up two-factor authentication" }).click();
  const sudo = approver.getByRole("form", { name: "Confirm it’s you" });
  await sudo.getByLabel("Your password").fill("not her password");
  await sudo.getByRole("button", { name: "Continue" }).click();
  await expect(sudo.getByLabel("Your password")).toHaveAccessibleDescription("That password is not right");
  await sudo.getByLabel("Your password").fill(DEMO_PASSWORD);
  await sudo.getByRole("button", { name: "Continue" }).click();
  const secret = (await approver.getByTestId("totp-secret").textContent()) ?? "";
  await approver.getByLabel("Code from the app").fill(totpCode(secret));
  await approver.getByRole("button", { name: "Turn on" }).click();
  const recoveryCodes = approver.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(recoveryCodes).toHaveCount(10);
  priyaRecoveryCodes.push(...(await recoveryCodes.allTextContents()));
  const recovery = priyaRecoveryCodes.shift() ?? "";

  await approver.goto(reviewUrl);
  await decide.getByLabel("Authenticator code").fill("000000");
  await decide.getByRole("button", { name: "Approve as requested" }).click();
  await expect(decide.getByLabel("Authenticator code")).toHaveAccessibleDescription(/not right/);
  await decide.getByLabel("Authenticator code").fill(totpCode(secret, 1));
  await decide.getByRole("button", { name: "Approve as requested" }).click();
  await expect(approver.getByRole("status")).toContainText("Approved");
  await approver.reload();
  await expect(approver.getByRole("region", { name: "Policy" })).toContainText(
    "Priya Raman approved (second factor: totp)",
  );
  await approver.screenshot({ path: testInfo.outputPath("step-up.png"), fullPage: true });
  await expect(page.getByTestId("request").first().getByTestId("grant")).toContainText("Granted");
  await context.close();

  // Sign-in now asks for a code too; the time codes above are spent, so a recovery code it is.
  const fresh = await browser.newContext();
  const signIn = await fresh.newPage();
  await signIn.goto("/sign-in");
  await signInViaForm(signIn, demo("approver", 0).email);
  await expect(formAlert(signIn)).toHaveText(
    "Enter the code from your authenticator app (or a recovery code).",
  );
  await signIn.getByLabel("Authenticator code").fill(recovery);
  await signIn.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(signIn.getByRole("link", { name: "Approvals" })).toBeVisible();
  await fresh.close();
});

test("[ACTIONS] the demo's response: the logs query shows its rows and hash, then the attacker's session is terminated", async ({
  page,
  browser,
  signInAs,
}, testInfo) => {
  await signInAs(demo("investigator", 0).email);
  await page.goto("/cases");
  await page.getByRole("row").filter({ hasText: "northwind" }).first().getByRole("link").first().click();
  await page.getByRole("link", { name: "Actions" }).click();
  const form = page.getByRole("form", { name: "Request an action" });
  await form.getByLabel("Action").selectOption("logs.query");
  await form.getByLabel("Table").selectOption("auth_logs");
  for (const column of ["ts", "src_ip", "result", "method"])
    await form.getByLabel(column, { exact: true }).check();
  await form.getByLabel("Subject (user, IP or host)").fill("m.alvarez@northwind-retail.example");
  await form.getByLabel("From (UTC)").fill("2026-11-19T00:00");
  await form.getByLabel("To (UTC)").fill("2026-11-21T00:00");
  await form.getByLabel("Row cap").fill("1000");
  // The demo already holds a narrowed logs request about m.alvarez; this one is told apart by its own words.
  const justification = "Around the takeover, to list the attacker's source addresses for m.alvarez.";
  await form.getByLabel("Justification").fill(justification);
  await form.getByRole("button", { name: "Send request" }).click();
  const logsRequest = page.getByTestId("request").filter({ hasText: justification });
  await expect(logsRequest).toContainText("Waiting for approval");

  // Priya signs in with her password and a recovery code (her time codes were spent above).
  const context = await browser.newContext();
  const approver = await context.newPage();
  await approver.goto("/sign-in");
  await signInViaForm(approver, demo("approver", 0).email);
  await approver.getByLabel("Authenticator code").fill(priyaRecoveryCodes.shift() ?? "");
  await approver.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(approver.getByRole("link", { name: "Approvals" })).toBeVisible();
  await approver.goto("/approvals");
  await approver.getByRole("link", { name: "Query sensitive logs" }).first().click();
  const decide = approver.getByRole("form", { name: "Decide" });
  await decide.getByRole("button", { name: "Approve as requested" }).click();
  await expect(approver.getByRole("status")).toContainText("Approved");

  // The query runs on the evidence store: the rows, and the hash of the stored result.
  await expect(logsRequest.getByTestId("grant")).toContainText("Granted");
  await logsRequest.getByRole("button", { name: "Run now" }).click();
  await expect(logsRequest.getByRole("status")).toContainText(/Collected \d+ row\(s\) of auth_logs/);
  const run = logsRequest.getByTestId("execution").first();
  await expect(run).toHaveAttribute("data-status", "succeeded");
  await run.getByRole("button", { name: "Show rows" }).click();
  const rows = run.getByRole("table", { name: "Rows collected" });
  await expect(rows.getByRole("row").filter({ hasText: "203.0.113.47" }).first()).toContainText("success");
  await expect(run.getByTestId("evidence-sha256")).toHaveText(/^[0-9a-f]{64}$/);
  await page.screenshot({ path: testInfo.outputPath("logs-query-rows.png"), fullPage: true });

  // Then the attacker's still-open database session (the demo keeps one as support_readonly).
  await form.getByLabel("Action").selectOption("db.session.terminate");
  await form.getByLabel("Target database").fill("db-cust-01");
  await form.getByLabel("Database user (optional)").fill("support_readonly");
  await form
    .getByLabel("Justification")
    .fill("support_readonly still holds the attacker's session on db-cust-01; end it now.");
  await form.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByTestId("request").filter({ hasText: "support_readonly still holds" })).toContainText(
    "Waiting for approval",
  );
  await approver.goto("/approvals");
  await approver.getByRole("link", { name: "Terminate a database session" }).first().click();
  await decide.getByLabel("Authenticator code").fill(priyaRecoveryCodes.shift() ?? "");
  await decide.getByRole("button", { name: "Approve as requested" }).click();
  await expect(approver.getByRole("status")).toContainText("Approved");
  await context.close();

  const terminate = page.getByTestId("request").filter({ hasText: "support_readonly still holds" }).first();
  await expect(terminate.getByTestId("grant")).toContainText("Granted");
  await terminate.getByRole("button", { name: "Run now" }).click();
  await expect(terminate.getByRole("status")).toContainText(
    /Terminated 1 session\(s\) on db-cust-01: \d+ \(support_readonly/,
  );
  await expect(terminate.getByRole("status")).toContainText("Verified gone");

  // Both actions are on the case's timeline.
  await page.getByRole("link", { name: "Timeline" }).click();
  await page.getByLabel("Source").selectOption("action");
  const timeline = page.getByTestId("timeline-event");
  await expect(timeline.filter({ hasText: "Ran logs.query" }).first()).toBeVisible();
  await expect(timeline.filter({ hasText: "Ran db.session.terminate" }).first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("timeline-actions.png"), fullPage: true });
});

test("[ADMIN] disabling a user needs a second factor, ends their open session and blocks sign-in", async ({
  page,
  browser,
  signInAs,
}, testInfo) => {
  // Sets up a second factor, disables and re-enables a person, then resets a second factor.
  test.setTimeout(90_000);
  const target = demo("approver", 1);

  const targetContext = await browser.newContext();
  const targetPage = await targetContext.newPage();
  await signInViaApi(targetPage, target.email);
  await targetPage.goto("/approvals");
  await expect(targetPage.getByRole("heading", { name: "Approvals" })).toBeVisible();

  await signInAs(demo("admin").email);
  await page.goto("/admin");
  const row = page.getByRole("row").filter({ hasText: target.email });
  // Admin changes need a second factor: the admin sets one up first.
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "second factor" })).toHaveText(
    "Admin changes need a second factor: set one up under Your account first",
  );
  // The set-up opens in a new tab, so the page with the admin's change stays as it was.
  const [setup] = await Promise.all([
    page.waitForEvent("popup"),
    page.getByRole("link", { name: "Set up two-factor authentication" }).click(),
  ]);
  await setup.getByRole("button", { name: "Set up two-factor authentication" }).click();
  const confirm = setup.getByRole("form", { name: "Confirm it’s you" });
  await confirm.getByLabel("Your password").fill(DEMO_PASSWORD);
  await confirm.getByRole("button", { name: "Continue" }).click();
  const secret = (await setup.getByTestId("totp-secret").textContent()) ?? "";
  await setup.getByLabel("Code from the app").fill(totpCode(secret));
  await setup.getByRole("button", { name: "Turn on" }).click();
  await expect(setup.getByRole("list", { name: "Recovery codes" })).toBeVisible();
  await setup.close();
  // Setting it up is no step-up: the admin change asks for a fresh code.
  await page.goto("/admin");
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "second factor" })).toHaveText(
    "Confirm with your authenticator code: admin changes need a second factor from the last 5 minutes",
  );
  const stepUp = page.getByRole("form", { name: "Confirm with your second factor" });
  await stepUp.getByLabel("Authenticator code").fill(totpCode(secret, 1));
  await stepUp.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(row.getByText("Disabled", { exact: true })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("admin-users.png") });

  await targetPage.reload();
  await expect(targetPage).toHaveURL(/\/sign-in\?callbackUrl=%2Fapprovals$/);
  await signInViaForm(targetPage, target.email);
  await expect(formAlert(targetPage)).toHaveText("This account is disabled. Contact an administrator.");

  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row.getByText("Active", { exact: true })).toBeVisible();
  await signInViaForm(targetPage, target.email);
  await expect(targetPage).toHaveURL(/\/approvals$/);
  await targetContext.close();

  // A new person: a shared address is refused; then one person's address, with a one-time link.
  await page.getByRole("button", { name: "Add a person" }).click();
  const form = page.getByRole("form", { name: "New person" });
  await form.getByLabel("Name").fill("Dana Fischer");
  await form.getByLabel("Email").fill("soc-team@casefile.demo");
  await form.getByRole("checkbox", { name: "investigator" }).check();
  await form.getByLabel("Clearance").selectOption("2");
  await form.getByRole("button", { name: "Add person" }).click();
  await expect(form.getByText(/looks like a shared address/)).toBeVisible();
  await form.getByLabel("Email").fill("dana.fischer@casefile.demo");
  await form.getByRole("button", { name: "Add person" }).click();
  const link = await page.getByLabel("Invitation link").inputValue();
  expect(link).toMatch(/\/invite\/[\w-]{43}$/);
  const danaRow = page.getByRole("row").filter({ hasText: "dana.fischer@casefile.demo" });
  await expect(danaRow).toContainText("investigator");
  await page.screenshot({ path: testInfo.outputPath("admin-new-person.png") });

  const danaContext = await browser.newContext();
  const dana = await danaContext.newPage();
  await dana.goto(link);
  await expect(dana.getByRole("heading", { name: "Welcome, Dana Fischer" })).toBeVisible();
  await dana.getByLabel("New password").fill("kettle orbit cinnamon lantern");
  await dana.getByLabel("Repeat the password").fill("kettle orbit cinnamon lantern");
  await dana.getByRole("button", { name: "Set password" }).click();
  await expect(dana.getByRole("status")).toHaveText("Your password is set. Sign in with it.");
  await signInViaForm(dana, "dana.fischer@casefile.demo", "kettle orbit cinnamon lantern");
  await expect(dana).toHaveURL(/\/cases$/);
  // The link worked once.
  await dana.goto(link);
  await expect(dana.getByRole("heading", { name: "This link no longer works" })).toBeVisible();

  // Her role changes; her next page load follows it.
  await danaRow.getByRole("button", { name: "Edit" }).click();
  const editor = page.getByRole("form", { name: "Edit Dana Fischer" });
  await editor.getByRole("checkbox", { name: "investigator" }).uncheck();
  await editor.getByRole("checkbox", { name: "compliance" }).check();
  await editor.getByRole("button", { name: "Save" }).click();
  await expect(danaRow).toContainText("compliance");
  await dana.goto("/cases");
  await expect(dana.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText([
    "Cases",
    "Compliance",
    "Ledger",
  ]);
  await danaContext.close();

  // Priya lost her authenticator: the admin resets it; she signs in with her password alone,
  // is told who reset it, and must set up a new one before anything else.
  const priyaRow = page.getByRole("row").filter({ hasText: demo("approver", 0).email });
  page.once("dialog", (dialog) => void dialog.accept());
  await priyaRow.getByRole("button", { name: "Reset second factor" }).click();
  await expect(page.getByRole("status").filter({ hasText: "second factor was reset" })).toContainText(
    "Priya Raman’s second factor was reset",
  );
  await expect(priyaRow.getByRole("button", { name: "Reset second factor" })).toHaveCount(0);
  const priyaContext = await browser.newContext();
  const priya = await priyaContext.newPage();
  await priya.goto("/sign-in");
  await signInViaForm(priya, demo("approver", 0).email);
  await priya.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
  await priya.goto("/account");
  await expect(priya.getByRole("alert").filter({ hasText: "reset by" })).toContainText(
    "Your second factor was reset by Sam Okafor",
  );
  await expect(priya.getByRole("alert").filter({ hasText: "administrator reset" })).toHaveText(
    "An administrator reset your second factor. Set up a new one here before you do anything else.",
  );
  await expect(priya.getByRole("region", { name: "API tokens" })).toContainText(
    "Set up your second factor above first",
  );
  await priyaContext.close();
});
