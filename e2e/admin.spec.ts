import { demo, expect, formAlert, signInViaApi, signInViaForm, test } from "./fixtures";

test("[ADMIN] disabling a user ends their open session and blocks sign-in", async ({
  page,
  browser,
  signInAs,
}, testInfo) => {
  const target = demo("approver", 1);

  const targetContext = await browser.newContext();
  const targetPage = await targetContext.newPage();
  await signInViaApi(targetPage, target.email);
  await targetPage.goto("/approvals");
  await expect(targetPage.getByRole("heading", { name: "Approvals" })).toBeVisible();

  await signInAs(demo("admin").email);
  await page.goto("/admin");
  const row = page.getByRole("row").filter({ hasText: target.email });
  await row.getByRole("button", { name: "Disable" }).click();
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
});
