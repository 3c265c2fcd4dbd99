import { DEMO_ACCOUNTS } from "@/server/demo/seed";
import { demo, expect, formAlert, signInViaForm, test } from "./fixtures";

// Declared here, independently of the app's own table, so a change to who sees what fails a test.
const EXPECTED_NAV: Record<string, string[]> = {
  investigator: ["Cases"],
  approver: ["Approvals"],
  compliance: ["Cases", "Compliance", "Ledger"],
  admin: ["Ledger", "Admin"],
};

const CONSOLE_PATHS = ["/cases", "/approvals", "/compliance", "/ledger", "/admin"];

test("[AUTH] every demo role signs in and sees exactly its navigation", async ({ browser }, testInfo) => {
  // Six people sign in one after another, each with a full-page screenshot.
  test.setTimeout(90_000);
  for (const account of DEMO_ACCOUNTS) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/sign-in");
    await signInViaForm(page, account.email);
    const expected = EXPECTED_NAV[account.roles[0] ?? ""] ?? [];
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link")).toHaveText(expected);
    await expect(page).toHaveURL(new RegExp(`${expected[0]?.toLowerCase()}$`));
    await expect(page.getByRole("button", { name: account.name })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath(`console-${account.roles[0]}.png`) });
    await context.close();
  }
});

test("[AUTH] a wrong password shows an error and does not sign in", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await signInViaForm(page, demo("investigator").email, "not-the-password");
  await expect(formAlert(page)).toHaveText("Email or password is incorrect.");
  await page.screenshot({ path: testInfo.outputPath("sign-in-error.png") });
  await page.goto("/cases");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fcases$/);
});

test("[AUTH] a signed-out visit to a console page redirects to sign-in, then back", async ({ page }) => {
  for (const path of CONSOLE_PATHS) {
    await page.goto(path);
    await expect(page).toHaveURL(`/sign-in?callbackUrl=${encodeURIComponent(path)}`);
    await expect(page.getByRole("heading", { name: "Sign in to Casefile" })).toBeVisible();
  }
  await page.goto("/sign-in?callbackUrl=%2Fledger");
  await signInViaForm(page, demo("compliance").email);
  await expect(page).toHaveURL(/\/ledger$/);
  await expect(page.getByRole("heading", { name: "Ledger", exact: true })).toBeVisible();
});

test("[AUTH] sign-in never follows a return address to another site", async ({ page }) => {
  await page.goto("/sign-in?callbackUrl=https%3A%2F%2Fevil.example%2F");
  await signInViaForm(page, demo("approver").email);
  await expect(page).toHaveURL(/^http:\/\/localhost:\d+\/approvals$/);
});

test("[AUTH] sign-out ends the session on the server", async ({ page, browser, signInAs }) => {
  await signInAs(demo("investigator").email);
  await page.goto("/cases");
  await expect(page.getByRole("heading", { name: "Cases" })).toBeVisible();
  const cookies = await page.context().cookies();

  await page.getByRole("button", { name: demo("investigator").name }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/cases");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fcases$/);

  // The old session cookie, replayed, no longer works: the server revoked the session.
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const replayPage = await replay.newPage();
  await replayPage.goto("/cases");
  await expect(replayPage).toHaveURL(/\/sign-in/);
  const me = await replayPage.request.get("/api/trpc/me");
  expect(me.status()).toBe(401);
  await replay.close();
});

test("[AUTH] the sign-out page signs out", async ({ page, signInAs }) => {
  await signInAs(demo("approver").email);
  await page.goto("/sign-out");
  await expect(page.getByText(`Signed in as ${demo("approver").email}`)).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/approvals");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fapprovals$/);
});

test("[AUTH] a section outside the user's roles is not found", async ({ page, signInAs }) => {
  await signInAs(demo("investigator").email);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  const list = await page.request.get("/api/trpc/admin.users.list");
  expect(list.status()).toBe(403);
});

test("[SHELL] an unknown address shows the 404 page", async ({ page, signInAs }) => {
  await signInAs(demo("compliance").email);
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
