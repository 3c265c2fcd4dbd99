import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { findings, notifications, users } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { ensureActionTypes } from "../actions/types";
import { appendLedger } from "../ledger/append";
import { testIntegrator } from "../ledger/testing";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { enrolSecondFactor } from "../testing/second-factor";
import { smtpCatcher } from "../testing/smtp-catcher";
import { asOwnerUnguarded } from "../testing/unguarded";
import { notifyNewToken } from "./account";
import { queueDigests } from "./digest";
import { warnExpiringGrants } from "./expiring";
import { fanOutAll } from "./fan-out";
import { sendDueMail } from "./mail-outbox";
import { smtpMailer } from "./mailer";

const PASSWORD = "demo-password-for-tests";
const t = await testDatabase();
await seedDemo(t.db, PASSWORD);
await ensureActionTypes(t.db);
const ledger = await testIntegrator(t.ledger.db);
const smtp = await smtpCatcher();
const mailer = smtpMailer(smtp.url, "Casefile <casefile@example.test>", { timeoutMs: 3_000 });
const BASE = "https://casefile.example.test";
const options = { baseUrl: BASE, mail: true };
afterAll(async () => {
  mailer.close();
  await smtp.stop();
});

/** What the workers do: integrate the ledger, fan out, send due mail (retries due at once). */
async function work() {
  await ledger.integrator.drain();
  await fanOutAll(t.db, options);
  await sendDueMail(t.db, mailer, { baseMs: 1 });
}
// The demo history is told before the tests begin; each test counts from here.
await work();
smtp.mails.length = 0;

const ines = await callerFor(t.db, "ines.ortega@casefile.demo"); // investigator
const priya = await callerFor(t.db, "priya.raman@casefile.demo"); // approver, clearance 4
const tom = await callerFor(t.db, "tom.becker@casefile.demo"); // approver, clearance 2
const carla = await callerFor(t.db, "carla.nguyen@casefile.demo"); // compliance

const { id: caseId, key: caseKey } = await ines.cases.create({
  title: "Mail case",
  summary: "Orders exported at night.",
  severity: 3,
  tlp: "amber",
});
const params = {
  table: "auth_logs",
  columns: ["ts", "username", "src_ip", "result"],
  subject: "j.smith",
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-21T00:00:00Z",
  rowCap: 5000,
};
const justification = "Need the secret sign-in history of j.smith around the export window.";
const ask = { caseId, actionKey: "logs.query", params, justification, minutes: 30 };

async function review(requestId: string) {
  return (await priya.requests.review({ requestId })).request.paramsHash;
}

describe("mail over SMTP", () => {
  it("tells each eligible approver of a new request, with a deep link and no content", async () => {
    const { id } = await ines.requests.create(ask);
    await work();
    const mails = smtp.mails.filter((m) => m.subject.includes("Approval needed"));
    const to = mails.flatMap((m) => m.to).sort();
    expect(to).toContain("priya.raman@casefile.demo");
    expect(to).toContain("tom.becker@casefile.demo"); // clearance 2 meets a medium-risk action
    expect(to).not.toContain("ines.ortega@casefile.demo"); // never the requester
    expect(to).not.toContain("carla.nguyen@casefile.demo"); // not an approver
    expect(new Set(to).size).toBe(to.length); // one mail each
    const mail = smtp.to("priya.raman@casefile.demo")[0];
    expect(mail?.from).toBe("casefile@example.test");
    expect(mail?.subject).toBe(`[${caseKey}] Approval needed: Query sensitive logs (medium risk)`);
    expect(mail?.text).toContain(`${BASE}/approvals/${id}`);
    expect(mail?.text).toContain("Requested by: Ines Ortega");
    expect(mail?.text).toContain("text/html");
    expect(mail?.text).not.toContain("j.smith");
    expect(mail?.text).not.toContain("secret sign-in history");
    // Told once, however often the fan-out runs.
    await fanOutAll(t.db, options);
    await sendDueMail(t.db, mailer);
    expect(smtp.mails.filter((m) => m.subject.includes("Approval needed"))).toHaveLength(mails.length);
  });

  it("tells the requester of a denial and of a grant", async () => {
    smtp.mails.length = 0;
    const { id: denied } = await ines.requests.create(ask);
    await priya.requests.decide({
      requestId: denied,
      paramsHashSeen: await review(denied),
      decision: "deny",
      comment: "Too wide a window for this.",
    });
    const { id: approved } = await ines.requests.create(ask);
    await tom.requests.decide({
      requestId: approved,
      paramsHashSeen: await review(approved),
      decision: "approve",
    });
    await work();
    const subjects = smtp.to("ines.ortega@casefile.demo").map((m) => m.subject);
    expect(subjects).toEqual(
      expect.arrayContaining([
        `[${caseKey}] Denied: Query sensitive logs`,
        `[${caseKey}] Granted: Query sensitive logs`,
      ]),
    );
    const granted = smtp.to("ines.ortega@casefile.demo").find((m) => m.subject.includes("Granted"));
    expect(granted?.text).toContain(`${BASE}/approvals/${approved}`);
  });

  it("tells approvers and compliance of break-glass, and the person of their new second factor", async () => {
    smtp.mails.length = 0;
    const { recoveryCodes } = await enrolSecondFactor(ines, PASSWORD);
    await ines.requests.breakGlass({
      ...ask,
      minutes: 10,
      reason: "Active exfiltration in progress right now, no approver reachable.",
      secondFactorCode: recoveryCodes[0],
    });
    await work();
    const breakGlass = smtp.mails.filter((m) => m.subject.includes("Break-glass"));
    const to = breakGlass.flatMap((m) => m.to);
    expect(to).toEqual(expect.arrayContaining(["priya.raman@casefile.demo", "carla.nguyen@casefile.demo"]));
    expect(to).not.toContain("ines.ortega@casefile.demo");
    expect(breakGlass[0]?.text).not.toContain("exfiltration in progress");
    const own = smtp.to("ines.ortega@casefile.demo").map((m) => m.subject);
    expect(own).toContain("Your second factor was set up or replaced");
  });

  it("tells compliance of a high finding (not a low one) and reviewers of a new campaign", async () => {
    smtp.mails.length = 0;
    for (const severity of ["high", "low"] as const) {
      await t.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(findings)
          .values({
            detector: "test_detector",
            dedupKey: `test_detector:${severity}`,
            severity,
            title: `A ${severity} pattern`,
            explanation: "For the test.",
            evidence: {},
          })
          .returning({ id: findings.id });
        await appendLedger(tx, {
          type: "finding.opened",
          actor: null,
          subjects: [row?.id ?? ""],
          payload: { detector: "test_detector", severity, title: `A ${severity} pattern`, evidence: {} },
        });
      });
    }
    const campaign = await carla.campaigns.open({
      title: "November approvals",
      periodStart: new Date("2026-11-01T00:00:00Z"),
      periodEnd: new Date("2026-12-01T00:00:00Z"),
    });
    await work();
    const subjects = smtp.to("carla.nguyen@casefile.demo").map((m) => m.subject);
    expect(subjects).toContain("Finding (high): A high pattern");
    expect(subjects).not.toContain("Finding (low): A low pattern");
    expect(subjects).toContain("Review campaign opened: November approvals");
    expect(smtp.to("priya.raman@casefile.demo").map((m) => m.subject)).not.toContain(
      "Finding (high): A high pattern",
    );
    const mail = smtp.to("carla.nguyen@casefile.demo").find((m) => m.subject.includes("campaign"));
    expect(mail?.text).toContain(`${BASE}/compliance/campaigns/${campaign.id}`);
  });

  it("follows each person's preferences: muted kinds are not sent, digests wait for the day's mail", async () => {
    await tom.notifications.setPreferences({ emailMode: "immediate", muted: ["request.new"] });
    await priya.notifications.setPreferences({ emailMode: "digest", muted: [] });
    smtp.mails.length = 0;
    const { id } = await ines.requests.create(ask);
    await work();
    expect(smtp.to("tom.becker@casefile.demo")).toHaveLength(0);
    expect(smtp.to("priya.raman@casefile.demo")).toHaveLength(0);
    // Priya's page lists it all the same; Tom's does not (he muted it).
    expect((await priya.notifications.list()).items.map((n) => n.path)).toContain(`/approvals/${id}`);
    expect((await tom.notifications.list()).items.map((n) => n.path)).not.toContain(`/approvals/${id}`);
    await queueDigests(t.db, { baseUrl: BASE });
    await sendDueMail(t.db, mailer);
    const digest = smtp.to("priya.raman@casefile.demo");
    expect(digest.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Casefile digest: \d+ notification/),
    ]);
    expect(digest[0]?.text).toContain(`${BASE}/approvals/${id}`);
    // One digest a day: nothing more until then.
    await queueDigests(t.db, { baseUrl: BASE });
    await sendDueMail(t.db, mailer);
    expect(smtp.to("priya.raman@casefile.demo")).toHaveLength(1);
    await priya.notifications.setPreferences({ emailMode: "immediate", muted: [] });
    await tom.notifications.setPreferences({ emailMode: "immediate", muted: [] });
  });

  it("loses nothing and blocks nothing while the mail server is down", async () => {
    await smtp.down();
    smtp.mails.length = 0;
    const { id } = await ines.requests.create(ask); // the request itself is not held up
    await work();
    const waiting = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.dedupKey, `request.new:${id}:${await idOf("priya.raman@casefile.demo")}`));
    expect(waiting[0]).toMatchObject({ emailState: "pending", emailAttempts: 1 });
    expect(waiting[0]?.emailLastError).toBeTruthy();
    await smtp.up();
    await sendDueMail(t.db, mailer, { baseMs: 1 });
    const arrived = smtp.mails.filter((m) => m.text.includes(`/approvals/${id}`));
    expect(arrived.flatMap((m) => m.to)).toContain("priya.raman@casefile.demo");
    const [sent] = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.id, waiting[0]?.id ?? ""));
    expect(sent).toMatchObject({ emailState: "sent", emailAttempts: 2 });
    // Sent once: a further pass sends nothing again.
    await sendDueMail(t.db, mailer, { baseMs: 1 });
    expect(smtp.mails.filter((m) => m.text.includes(`/approvals/${id}`))).toHaveLength(arrived.length);
  });

  it("warns the grantee once before a grant expires, and tells a person of a new token on their account", async () => {
    smtp.mails.length = 0;
    const { id } = await ines.requests.create(ask);
    await priya.requests.decide({ requestId: id, paramsHashSeen: await review(id), decision: "approve" });
    // Twenty-five minutes into the thirty-minute grant (the fixture moves its clock, not ours).
    await asOwnerUnguarded(
      t.owner.sql,
      ["grants"],
      (sql) =>
        sql`update grants set not_before = now() - interval '25 minutes', expires_at = now() + interval '5 minutes' where request_id = ${id}`,
    );
    expect(await warnExpiringGrants(t.db, options)).toBe(1);
    expect(await warnExpiringGrants(t.db, options)).toBe(0);
    const inesId = await idOf("ines.ortega@casefile.demo");
    await t.db.transaction((tx) =>
      notifyNewToken(tx, inesId, { id: "0b9f3f3e-0000-4000-8000-000000000001", name: "ci-export" }, options),
    );
    await work();
    const subjects = smtp.to("ines.ortega@casefile.demo").map((m) => m.subject);
    expect(subjects).toContain(`[${caseKey}] Your grant for Query sensitive logs expires soon`);
    expect(subjects).toContain("A new API token was created on your account: ci-export");
  });

  it("refuses unknown preferences with the field named", async () => {
    await expect(
      priya.notifications.setPreferences({ emailMode: "weekly", muted: [] }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      priya.notifications.setPreferences({ emailMode: "off", muted: ["account.security"] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

async function idOf(email: string): Promise<string> {
  const [row] = await t.db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return row?.id ?? "";
}
