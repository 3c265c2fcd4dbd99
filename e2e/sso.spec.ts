import type { Page } from "@playwright/test";
import { totpCode } from "@/server/testing/totp";
import { demo, expect, signInViaApi, test } from "./fixtures";

// The test identity provider (e2e/oidc-provider-server.ts) knows "alice" (soc-analysts), "lee"
// (soc-leads + soc-analysts, MFA asserted) and "nobody" (no mapped group).
async function signInAtProvider(page: Page, login: string) {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  await page.getByLabel("Username").fill(login);
  await page.getByRole("button", { name: "Continue" }).click();
}

test("[SSO] signing in through the identity provider lands in the console with the mapped role", async ({
  page,
  browser,
}, testInfo) => {
  await page.goto("/sign-in");
  // Password sign-in stays available beside single sign-on here.
  await expect(page.getByLabel("Password")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("sign-in-with-sso.png") });
  await signInAtProvider(page, "alice");
  await expect(page).toHaveURL(/\/cases$/);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText(["Cases"]);
  await expect(page.getByRole("button", { name: "Alice Analyst" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("sso-console.png") });

  // The admin sees the person provisioned just in time, with the role from their group.
  const admin = await browser.newContext();
  const adminPage = await admin.newPage();
  await signInViaApi(adminPage, demo("admin").email);
  await adminPage.goto("/admin");
  const row = adminPage.getByRole("row", { name: /Alice Analyst/ });
  await expect(row).toContainText("alice@sso.example");
  await expect(row).toContainText("investigator");
  await admin.close();
});

test("[SSO] someone whose groups give no role is turned away with the reason", async ({ page }) => {
  await signInAtProvider(page, "nobody");
  await expect(page).toHaveURL(/\/sign-in\?error=SsoNoRole/);
  await expect(page.getByRole("alert").filter({ hasText: "no role" })).toHaveText(
    "Your organisation's groups give you no role in Casefile. Ask an administrator.",
  );
  await page.goto("/cases");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fcases$/);
});

test("[SSO] someone with a second factor still gives the code after single sign-on", async ({ page }) => {
  await signInAtProvider(page, "alice");
  await expect(page).toHaveURL(/\/cases$/);
  await page.goto("/account");
  await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
  await page.getByLabel("Code from the app").fill(totpCode(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByRole("list", { name: "Recovery codes" })).toBeVisible();
  await page.getByRole("button", { name: "Alice Analyst" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  // The provider remembers her (its own session), so it sends her straight back: signed in there,
  // but not in Casefile until the code is given.
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(page.getByRole("heading", { name: "Confirm it’s you" })).toBeVisible();
  await page.goto("/cases");
  await expect(page.getByRole("heading", { name: "Confirm it’s you" })).toBeVisible();
  await page.getByLabel("Authenticator code").fill("000000");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "code" })).toHaveText(
    "That code is not right, or was already used.",
  );
  await page.getByLabel("Authenticator code").fill(totpCode(secret, 1));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/cases$/);
  await expect(page.getByRole("button", { name: "Alice Analyst" })).toBeVisible();
});
