import { demo, expect, test } from "./fixtures";

test("[LEDGER] a compliance reviewer finds their sign-in in the ledger and verifies its inclusion", async ({
  page,
  signInAs,
}) => {
  const reviewer = demo("compliance");
  await signInAs(reviewer.email);
  // The sign-in is integrated into the log within moments; until then its actor is not offered.
  await expect(async () => {
    await page.goto("/ledger");
    await page.getByLabel("Type").selectOption("auth.sign_in", { timeout: 1_000 });
    await page.getByLabel("Actor").selectOption({ label: reviewer.name }, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  const row = page.getByRole("row").filter({ hasText: "auth.sign_in" }).first();
  await expect(row).toContainText(reviewer.name);
  await row.getByRole("link").click();

  await expect(page.getByRole("heading", { name: /Ledger entry \d+/ })).toBeVisible();
  await expect(page.getByTestId("canonical-json")).toContainText(`"type":"auth.sign_in"`);
  await expect(page.getByTestId("canonical-json")).toContainText(`"name":"${reviewer.name}"`);

  // The integrator signs a checkpoint within about a second of new entries.
  await expect(async () => {
    await page.getByRole("button", { name: "Verify inclusion" }).click();
    await expect(page.getByRole("status")).toContainText(/Included in the signed checkpoint of \d+ entries/, {
      timeout: 2_000,
    });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByText("valid (Ed25519)")).toBeVisible();
  await expect(page.getByText("matches the entry")).toBeVisible();

  await page.getByRole("link", { name: "← All entries" }).click();
  await page.getByRole("button", { name: "Verify the whole ledger" }).click();
  await expect(page.getByRole("status")).toContainText(/Verified: \d+ entries, \d+ checkpoints/);
});
