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
