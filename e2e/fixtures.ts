import { test as base, expect, type Page } from "@playwright/test";
import { DEMO_ACCOUNTS, type DemoAccount } from "@/server/demo/seed";

export const DEMO_PASSWORD = "casefile-demo";

export function demo(role: DemoAccount["roles"][number], index = 0): DemoAccount {
  const account = DEMO_ACCOUNTS.filter((a) => a.roles.includes(role))[index];
  if (!account) throw new Error(`no demo ${role} #${index}`);
  return account;
}

/** Signs in through next-auth's credentials endpoint, sharing cookies with the page. */
export async function signInViaApi(page: Page, email: string, password = DEMO_PASSWORD) {
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await page.request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
  });
  expect(response.ok()).toBe(true);
}

export async function signInViaForm(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export const test = base.extend<{ signInAs: (email: string) => Promise<void> }>({
  signInAs: async ({ page }, use) => {
    await use((email) => signInViaApi(page, email));
  },
});

export { expect };

/** The sign-in form's error message (Next's route announcer is also an alert, so scope to the form). */
export function formAlert(page: Page) {
  return page.locator("form").getByRole("alert");
}
