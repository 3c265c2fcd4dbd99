import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { findings, ledgerEntries, notifications, users } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { ensureActionTypes } from "../actions/types";
import { hashPassword } from "../auth/password";
import { runDetectors } from "../compliance/findings";
import { testIntegrator } from "../ledger/testing";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { failure } from "../testing/failure";
import { inboxEntries } from "../testing/ledger-inbox";
import { giveRoles } from "../testing/roles";
import { asOwnerUnguarded } from "../testing/unguarded";
import { escalateDue } from "./escalate";
import { fanOutAll } from "./fan-out";

const PASSWORD = "demo-password-for-tests";
const t = await testDatabase();
await seedDemo(t.db, PASSWORD);
await ensureActionTypes(t.db);
const ledger = await testIntegrator(t.ledger.db);
const options = { baseUrl: "https://casefile.example.test", mail: false };

const [dualRow] = await t.db
  .insert(users)
  .values({
    email: "dual@casefile.demo",
    name: "Dana Dual",
    clearance: 4,
    passwordHash: await hashPassword(PASSWORD),
  })
  .returning();
if (!dualRow) throw new Error("no user");
await giveRoles(t.db, dualRow.id, ["investigator", "approver"]);

const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
const tom = await callerFor(t.db, "tom.becker@casefile.demo");
const dual = await callerFor(t.db, "dual@casefile.demo");
const idOf = async (email: string) =>
  (await t.db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0]?.id ?? "";
const [priyaId = "", tomId = "", carlaId = "", samId = ""] = await Promise.all(
  ["priya.raman", "tom.becker", "carla.nguyen", "sam.okafor"].map((n) => idOf(`${n}@casefile.demo`)),
);

const { id: caseId } = await ines.cases.create({
  title: "Escalation case",
  summary: "",
  severity: 3,
  tlp: "amber",
});
await ines.cases.members.add({ caseId, userId: dualRow.id, access: "write" });
const ask = {
  caseId,
  actionKey: "logs.query",
  params: {
    table: "auth_logs",
    columns: ["ts", "username"],
    subject: "j.smith",
    from: "2026-11-19T00:00:00Z",
    to: "2026-11-21T00:00:00Z",
    rowCap: 100,
  },
  justification: "Sign-ins of j.smith around the export window, for the timeline.",
  minutes: 30,
};

/** The request as if made `minutes` ago (the fixture moves the row's clock, not ours). */
async function age(requestId: string, minutes: number) {
  await asOwnerUnguarded(
    t.owner.sql,
    ["action_requests"],
    (sql) =>
      sql`update action_requests set created_at = now() - make_interval(mins => ${minutes}) where id = ${requestId}`,
  );
}

async function told(requestId: string, kind: string) {
  await ledger.integrator.drain();
  await fanOutAll(t.db, options);
  const rows = await t.db
    .select({ userId: notifications.userId })
    .from(notifications)
    .where(
      and(
        eq(notifications.kind, kind as "request.reminder"),
        eq(notifications.link, `${options.baseUrl}/approvals/${requestId}`),
      ),
    );
  return rows.map((r) => r.userId);
}

describe("reminders and escalation", () => {
  it("reminds the eligible approvers, then escalates to admins, once each, before expiry", async () => {
    const { id } = await ines.requests.create(ask);
    expect(await escalateDue(t.db)).toBe(0); // just made: nothing yet
    await age(id, 16); // medium risk: reminded after 15 minutes
    const [a, b] = await Promise.all([escalateDue(t.db), escalateDue(t.db)]);
    expect(a + b).toBe(1);
    expect(await told(id, "request.reminder")).toEqual(expect.arrayContaining([priyaId, tomId]));
    expect(await told(id, "request.reminder")).not.toContain(samId);
    await age(id, 31); // escalated after 30
    expect(await escalateDue(t.db)).toBe(1);
    expect(await escalateDue(t.db)).toBe(0);
    const escalated = await told(id, "request.escalated");
    expect(escalated).toEqual(expect.arrayContaining([priyaId, tomId, samId]));
    expect(escalated).not.toContain(carlaId);
    const entries = await t.db
      .select({ body: ledgerEntries.body })
      .from(ledgerEntries)
      .where(eq(ledgerEntries.type, "request.escalated"));
    expect(entries.filter((e) => e.body.includes(id))).toHaveLength(1);
    // The queue shows it.
    const shown = await priya.notifications.escalations({ requestIds: [id] });
    expect(shown.map((s) => s.stage).sort()).toEqual(["escalation", "reminder"]);
    expect((await failure(ines.notifications.escalations({ requestIds: [id] }))).code).toBe("FORBIDDEN");
  });

  it("does not remind about a decided request", async () => {
    const { id } = await ines.requests.create(ask);
    const hash = (await priya.requests.review({ requestId: id })).request.paramsHash;
    await priya.requests.decide({
      requestId: id,
      paramsHashSeen: hash,
      decision: "deny",
      comment: "Not needed now.",
    });
    await age(id, 45);
    await escalateDue(t.db);
    expect(await told(id, "request.reminder")).toEqual([]);
  });
});

describe("delegation", () => {
  const period = () => ({
    startsAt: new Date(Date.now() - 60_000),
    endsAt: new Date(Date.now() + 86_400_000),
  });

  it("needs an active approver as delegate, and names the field otherwise", async () => {
    const notApprover = await failure(priya.notifications.delegate({ toUserId: carlaId, ...period() }));
    expect([notApprover.code, (notApprover.cause as { field?: string }).field]).toEqual([
      "BAD_REQUEST",
      "toUserId",
    ]);
    const self = await failure(priya.notifications.delegate({ toUserId: priyaId, ...period() }));
    expect(self.code).toBe("BAD_REQUEST");
    const backwards = await failure(
      priya.notifications.delegate({
        toUserId: tomId,
        startsAt: new Date(),
        endsAt: new Date(Date.now() - 1000),
      }),
    );
    expect((backwards.cause as { field?: string }).field).toBe("endsAt");
    expect((await failure(ines.notifications.delegate({ toUserId: tomId, ...period() }))).code).toBe(
      "FORBIDDEN",
    );
  });

  it("records 'on behalf of' on the delegate's decisions, ledgers the delegation, and flags misuse", async () => {
    const { id: delegationId } = await dual.notifications.delegate({
      toUserId: tomId,
      ...period(),
      reason: "Leave",
    });
    expect((await inboxEntries(t, "delegation.created")).some((e) => e.subjects.includes(delegationId))).toBe(
      true,
    );
    // Self-serving: Dana's stand-in approves Dana's own request.
    const { id } = await dual.requests.create(ask);
    const hash = (await tom.requests.review({ requestId: id })).request.paramsHash;
    await tom.requests.decide({ requestId: id, paramsHashSeen: hash, decision: "approve" });
    const approved = (await inboxEntries(t, "request.approved")).find((e) => e.subjects.includes(id));
    expect(approved?.payload.onBehalfOf).toEqual([{ id: dualRow.id, name: "Dana Dual" }]);
    // A chain: Tom, standing in for Dana, delegates onward to Priya.
    await tom.notifications.delegate({ toUserId: priyaId, ...period() });
    await runDetectors(t.db, { orgTimeZone: "UTC", only: ["delegation_misuse"] });
    const found = await t.db.select().from(findings).where(eq(findings.detector, "delegation_misuse"));
    expect(found.map((f) => f.dedupKey).sort()).toEqual(
      [
        `delegation_misuse:chain:${dualRow.id}:${tomId}:${priyaId}`,
        `delegation_misuse:self:${dualRow.id}:${tomId}`,
      ].sort(),
    );
    expect(found.find((f) => f.dedupKey.includes(":self:"))?.severity).toBe("high");
    // Ended: Tom's later decisions are his own again.
    await dual.notifications.endDelegation({ delegationId });
    expect((await failure(tom.notifications.endDelegation({ delegationId }))).code).toBe("NOT_FOUND");
    const { id: later } = await ines.requests.create(ask);
    const h2 = (await tom.requests.review({ requestId: later })).request.paramsHash;
    await tom.requests.decide({ requestId: later, paramsHashSeen: h2, decision: "approve" });
    const own = (await inboxEntries(t, "request.approved")).find((e) => e.subjects.includes(later));
    expect(own?.payload.onBehalfOf).toBeUndefined();
  });
});
