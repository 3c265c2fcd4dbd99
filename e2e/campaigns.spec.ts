import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { demo, expect, signInViaApi, test } from "./fixtures";

/** tRPC over HTTP as the page's signed-in user (superjson's `{ json }` envelope). */
async function call<T>(page: Page, path: string, input: unknown, method: "GET" | "POST"): Promise<T> {
  const response =
    method === "GET"
      ? await page.request.get(
          `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
        )
      : await page.request.post(`/api/trpc/${path}`, {
          headers: { "content-type": "application/json" },
          data: { json: input },
        });
  expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

test("[CAMPAIGNS] a compliance reviewer opens a campaign, attests a decision and exports the results", async ({
  page,
  browser,
  signInAs,
}, testInfo) => {
  // A decision to review: Ines asks for a medium-risk logs query, Tom approves it (no second factor needed).
  const justification = `Campaign check ${Date.now()}: sign-ins of the support account during the takeover.`;
  const investigator = await (await browser.newContext()).newPage();
  await signInViaApi(investigator, demo("investigator", 0).email);
  const { id: caseId } = await call<{ id: string }>(
    investigator,
    "cases.create",
    { title: "Campaign review case", summary: "", severity: 2, tlp: "amber" },
    "POST",
  );
  const { id: requestId } = await call<{ id: string }>(
    investigator,
    "requests.create",
    {
      caseId,
      actionKey: "logs.query",
      params: {
        table: "auth_logs",
        columns: ["ts", "src_ip"],
        subject: "m.alvarez@northwind-retail.example",
        from: "2026-11-19T00:00:00Z",
        to: "2026-11-20T00:00:00Z",
        rowCap: 100,
      },
      justification,
      minutes: 10,
    },
    "POST",
  );
  const approver = await (await browser.newContext()).newPage();
  await signInViaApi(approver, demo("approver", 1).email); // Tom, clearance 2
  const review = await call<{ request: { paramsHash: string } }>(
    approver,
    "requests.review",
    { requestId },
    "GET",
  );
  await call(
    approver,
    "requests.decide",
    { requestId, paramsHashSeen: review.request.paramsHash, decision: "approve", comment: "Narrow enough." },
    "POST",
  );

  // Carla opens a campaign over the current month, which covers now.
  await signInAs(demo("compliance").email);
  await page.goto("/compliance");
  await page.getByRole("link", { name: "Review campaigns" }).click();
  const form = page.getByRole("form", { name: "Open a campaign" });
  await form.getByLabel("Title").fill(`E2E access review ${Date.now()}`);
  await form.getByRole("button", { name: "Open campaign" }).click();
  await expect(page).toHaveURL(/\/compliance\/campaigns\/[0-9a-f-]{36}$/);
  const campaignId = page.url().split("/").at(-1) ?? "";
  const progress = page.getByTestId("campaign-progress");
  await expect(progress).toHaveText(/^0 of \d+ attested$/);
  const total = Number(/of (\d+)/.exec((await progress.textContent()) ?? "")?.[1]);
  expect(total).toBeGreaterThanOrEqual(1);

  // The decision is there with its context.
  const item = page.getByTestId("campaign-item").filter({ hasText: justification });
  await expect(item).toContainText("Query sensitive logs");
  await expect(item).toContainText("approved by Tom Becker");
  await expect(item).toContainText("Asked by Ines Ortega");
  await expect(item).toContainText("Approver's comment: Narrow enough.");
  await expect(item.getByTestId("grant-use")).toContainText("Grant used 0 of 1");

  // Inappropriate needs a note; appropriate does not.
  await item.getByRole("button", { name: "Inappropriate" }).click();
  await expect(item.getByLabel("Note")).toHaveAccessibleDescription(/Say why it was inappropriate/);
  await item.getByLabel("Note").fill("Scoped to one subject and one day.");
  await item.getByRole("button", { name: "Appropriate", exact: true }).click();
  await expect(item.getByTestId("verdict")).toContainText("Attested appropriate by Carla Nguyen at");
  await expect(progress).toHaveText(`1 of ${total} attested`);
  await page.screenshot({ path: testInfo.outputPath("campaign.png"), fullPage: true });

  await page.getByLabel("Unattested only").check();
  await expect(page.getByTestId("campaign-item").filter({ hasText: justification })).toHaveCount(0);

  // The export downloads as a CSV attachment with the verdict and note.
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^e2e-access-review-\d+-.*\.csv$/);
  const csv = await readFile(await download.path(), "utf8");
  const [header, ...rows] = csv.trimEnd().split("\r\n");
  expect(header).toMatch(/^approval_id,decided_at,decision,approver,/);
  const row = rows.find((r) => r.includes(requestId));
  expect(row).toContain(",appropriate,Scoped to one subject and one day.,Carla Nguyen,");
  expect(rows).toHaveLength(total);

  // Nobody else downloads it.
  expect((await approver.request.get(`/api/campaigns/${campaignId}/export`)).status()).toBe(403);
  expect((await page.context().request.get(`/api/campaigns/${crypto.randomUUID()}/export`)).status()).toBe(
    404,
  );
  await investigator.context().close();
  await approver.context().close();
});
