import { demo, expect, signInViaApi, test } from "./fixtures";

test("[CASES] an investigator opens a case, builds its timeline around a new suspect, registers evidence and shares it", async ({
  page,
  browser,
  signInAs,
}, testInfo) => {
  const lead = demo("investigator", 0);
  const other = demo("investigator", 1);
  await signInAs(lead.email);
  await page.goto("/cases");
  await page.getByRole("button", { name: "New case" }).click();
  const newCase = page.getByRole("form", { name: "Open a case" });
  await newCase.getByLabel("Title").fill("Suspicious VPN logins from a hosting provider");
  await newCase.getByLabel("Severity").selectOption("3");
  await newCase
    .getByLabel("Summary")
    .fill("Three logins to the VPN from 198.51.100.23 outside office hours.");
  await newCase.getByRole("button", { name: "Open case" }).click();
  await expect(page).toHaveURL(/\/cases\/CASE-\d{4}-\d{4}$/);
  const caseUrl = new URL(page.url()).pathname;
  await expect(
    page.getByRole("heading", { name: "Suspicious VPN logins from a hosting provider" }),
  ).toBeVisible();

  // A member of nothing yet: the other investigator gets the 404 page, not a "forbidden".
  const otherContext = await browser.newContext();
  const otherPage = await otherContext.newPage();
  await signInViaApi(otherPage, other.email);
  const hidden = await otherPage.goto(caseUrl);
  expect(hidden?.status()).toBe(404);
  await expect(otherPage.getByRole("heading", { name: "Page not found" })).toBeVisible();

  // Two events, the first creating the suspect inline, the second linking it.
  await page.getByRole("button", { name: "Add event" }).click();
  const form = page.getByRole("form", { name: "Add event" });
  await form.getByLabel("Occurred at (UTC)").fill("2026-11-18T01:12:00");
  await form.getByLabel("Title").fill("VPN login for j.smith from 198.51.100.23");
  await form.getByRole("button", { name: "Link an entity" }).click();
  await form.getByLabel("Entity", { exact: true }).selectOption("new");
  await form.getByLabel("Kind").selectOption("ip");
  await form.getByLabel("Value").fill(" 198.51.100.23 ");
  await form.getByRole("button", { name: "Save event" }).click();
  await expect(page.getByTestId("timeline-event")).toHaveCount(1);

  await page.getByRole("button", { name: "Add event" }).click();
  await form.getByLabel("Occurred at (UTC)").fill("2026-11-18T00:30:00");
  await form.getByLabel("Title").fill("Port scan from 198.51.100.23 against the VPN gateway");
  await form.getByRole("button", { name: "Link an entity" }).click();
  await form.getByLabel("Entity", { exact: true }).selectOption({ label: "IP address: 198.51.100.23" });
  await form.getByRole("button", { name: "Save event" }).click();
  await expect(page.getByTestId("timeline-event")).toHaveCount(2);
  await page.getByRole("button", { name: "Add event" }).click();
  await form.getByLabel("Occurred at (UTC)").fill("2026-11-18T09:00:00");
  await form.getByLabel("Title").fill("Helpdesk ticket about an unrelated printer");
  await form.getByRole("button", { name: "Save event" }).click();
  const events = page.getByTestId("timeline-event");
  await expect(events).toHaveCount(3);
  // Chronological by when it happened, not by when it was written.
  await expect(events.first()).toContainText("Port scan from 198.51.100.23");

  // Filter by the suspect: click its chip.
  await events
    .first()
    .getByRole("link", { name: /198\.51\.100\.23/ })
    .and(page.getByTitle("IP address · suspect"))
    .click();
  await expect(page.getByText("Events involving ip address 198.51.100.23")).toBeVisible();
  await expect(events).toHaveCount(2);
  await expect(page.getByText("Helpdesk ticket about an unrelated printer")).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("case-timeline-by-entity.png"), fullPage: true });

  // Evidence: the browser hashes the file; the chain of custody starts with "collected".
  await page.getByRole("link", { name: "Evidence" }).click();
  const register = page.getByRole("form", { name: "Register evidence" });
  await register.getByLabel("File").setInputFiles({
    name: "vpn-auth.log",
    mimeType: "text/plain",
    buffer: Buffer.from("2026-11-18T01:12:00Z vpn login j.smith 198.51.100.23 ok\n"),
  });
  await expect(register.getByLabel("SHA-256")).toHaveValue(/^[0-9a-f]{64}$/);
  await register.getByLabel("Source").fill("VPN concentrator syslog");
  await register.getByLabel("Acquired at (UTC)").fill("2026-11-18T10:00");
  await register.getByRole("button", { name: "Register evidence" }).click();
  await expect(page.getByText("vpn-auth.log")).toBeVisible();
  await expect(page.getByText(/collected by Ines Ortega/)).toBeVisible();

  // Share read-only: the other investigator now sees it, without write controls.
  await page.getByRole("link", { name: "Members" }).click();
  await page.getByLabel("Investigator").selectOption({ label: other.name });
  await page.getByLabel("Access").selectOption("read");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("row").filter({ hasText: other.email })).toBeVisible();

  await otherPage.goto(caseUrl);
  await expect(
    otherPage.getByRole("heading", { name: "Suspicious VPN logins from a hosting provider" }),
  ).toBeVisible();
  await expect(otherPage.getByText("Read-only access")).toBeVisible();
  await expect(otherPage.getByTestId("timeline-event")).toHaveCount(3);
  await expect(otherPage.getByRole("button", { name: "Add event" })).toHaveCount(0);
  await otherContext.close();
});

test("[CASES] markup in a note and an event title is shown as text, never run", async ({
  page,
  signInAs,
}) => {
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await signInAs(demo("investigator").email);
  await page.goto("/cases");
  await page.getByRole("button", { name: "New case" }).click();
  await page.getByLabel("Title").fill("Markup handling");
  await page.getByRole("button", { name: "Open case" }).click();
  await expect(page).toHaveURL(/\/cases\/CASE-/);

  const payload = `<img src=x onerror="alert('xss')"><script>alert('xss')</script>`;
  await page.getByRole("button", { name: "Add event" }).click();
  const form = page.getByRole("form", { name: "Add event" });
  await form.getByLabel("Title").fill(`Phish ${payload}`);
  await form.getByRole("button", { name: "Save event" }).click();
  await expect(page.getByTestId("timeline-event")).toContainText(`Phish ${payload}`);

  await page.getByRole("link", { name: "Notes" }).click();
  await page.getByLabel("Note (Markdown)").fill(`**Bold** and ${payload} [link](javascript:alert('xss'))`);
  await page.getByRole("button", { name: "Add note" }).click();
  const note = page.locator("article").filter({ hasText: "Bold" });
  await expect(note.locator("strong")).toHaveText("Bold");
  await expect(note).toContainText(payload);
  await expect(note.locator("img, script")).toHaveCount(0);
  await expect(note.locator('a[href^="javascript:"]')).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test("[CASES] a CSV import reports bad rows by line and imports the good ones", async ({
  page,
  signInAs,
}) => {
  await signInAs(demo("investigator").email);
  await page.goto("/cases");
  await page.getByRole("button", { name: "New case" }).click();
  await page.getByLabel("Title").fill("EDR import");
  await page.getByRole("button", { name: "Open case" }).click();
  await expect(page).toHaveURL(/\/cases\/CASE-/);

  await page.getByRole("button", { name: "Import events" }).click();
  const csv = [
    "occurred_at,title,entities",
    "2026-11-20T13:00:00Z,Beacon to 203.0.113.9,actor:host:ws-fin-001;target:ip:203.0.113.9",
    "yesterday,Not a time,",
    "2026-11-20T13:05:00Z,Second beacon,actor:host:ws-fin-001",
  ].join("\n");
  const importForm = page.getByRole("form", { name: "Import events" });
  await importForm
    .getByLabel("File")
    .setInputFiles({ name: "edr.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await importForm.getByRole("button", { name: "Import", exact: true }).click();
  const report = page.getByRole("status").filter({ hasText: "Imported" });
  await expect(report).toContainText("Imported 2 events; 1 rows rejected.");
  await expect(report.getByRole("row").filter({ hasText: "occurred_at" })).toContainText("3");
  await expect(page.getByTestId("timeline-event")).toHaveCount(2);
});

test("[CASES] the demo incident is there for its members, and hidden from others", async ({
  page,
  signInAs,
}) => {
  await signInAs(demo("investigator", 0).email);
  await page.goto("/cases");
  const row = page.getByRole("row").filter({ hasText: "northwind" });
  await expect(row.first()).toBeVisible();
  await row.first().getByRole("link").first().click();
  await expect(page.getByTestId("timeline-event").first()).toBeVisible();
  await expect(page.getByText("Load later events")).toBeVisible();
});
