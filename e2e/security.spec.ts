import { demo, expect, test } from "./fixtures";

test("[SECURITY] a state-changing call from another site is refused; the page is not frameable", async ({
  page,
  signInAs,
}) => {
  await signInAs(demo("investigator", 0).email);
  const call = (headers: Record<string, string>) =>
    page.request.post("/api/trpc/cases.create", {
      headers: { "content-type": "application/json", ...headers },
      data: { json: { title: "Opened from another site", summary: "", severity: 1, tlp: "green" } },
    });
  const forged = await call({ origin: "https://evil.example", "sec-fetch-site": "cross-site" });
  expect(forged.status()).toBe(403);
  expect(await forged.text()).toContain("cross-site request refused");
  const older = await call({ origin: "https://evil.example" });
  expect(older.status()).toBe(403);
  const response = await page.goto("/cases");
  await expect(page.getByText("Opened from another site")).toHaveCount(0);
  expect(response?.headers()["x-frame-options"]).toBe("DENY");
  expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  // The same call from the app itself goes through.
  const own = await call({ origin: new URL(page.url()).origin, "sec-fetch-site": "same-origin" });
  expect(own.status()).toBe(200);
});

test("[SECURITY] pages allow scripts by a fresh nonce only, and still run", async ({ page, signInAs }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const policyOf = async (path: string) => {
    const response = await page.goto(path);
    const csp = response?.headers()["content-security-policy"] ?? "";
    const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
    return { csp, scriptSrc: scriptSrc.trim() };
  };
  const first = await policyOf("/sign-in");
  expect(first.scriptSrc).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'$/);
  expect(first.scriptSrc).not.toContain("'unsafe-inline'");
  expect(first.csp).toContain("frame-ancestors 'none'");
  const nonce = /'nonce-([^']+)'/.exec(first.scriptSrc)?.[1];
  // Next.js put the nonce on its scripts (the browser hides the attribute's value from the DOM).
  expect(await page.locator("script[nonce]").count()).toBeGreaterThan(0);
  const again = await policyOf("/sign-in");
  expect(again.scriptSrc).not.toContain(nonce);
  // The page's scripts ran (the form reacts), and nothing was blocked.
  await signInAs(demo("investigator", 0).email);
  await page.goto("/cases");
  await expect(page.getByRole("button", { name: demo("investigator", 0).name })).toBeVisible();
  await page.getByRole("button", { name: demo("investigator", 0).name }).click();
  await expect(page.getByRole("menuitem", { name: "Sign out" })).toBeVisible();
  expect(violations).toEqual([]);
});
