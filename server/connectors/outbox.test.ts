/**
 * Webhook actions through the transactional outbox, against a real HTTP receiver
 * started by the test that checks every signature and idempotency key.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { executions, outbox, users } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { approveAsSeen, callerFor } from "../testing/callers";
import { reconcileState } from "../ledger/reconcile";
import { testDatabase } from "../testing/db";
import { enrolSecondFactor } from "../testing/second-factor";
import { webhookReceiver } from "../testing/webhook-receiver";
import { seedConnector } from "./connectors";
import { deliverWebhooks } from "../requests/webhook-delivery";
import { signature, verifySignature } from "./webhook";

const SECRET = "edr-shared-secret-for-tests";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const edr = webhookReceiver(SECRET);
const url = await edr.start();
afterAll(() => edr.stop());
const [admin] = await t.db
  .select({ id: users.id })
  .from(users)
  .where(eq(users.email, "sam.okafor@casefile.demo"));
await seedConnector(
  t.db,
  {
    name: "edr",
    kind: "webhook",
    serves: ["host.isolate", "account.disable"],
    config: { url, secret: SECRET },
  },
  admin?.id ?? "",
);

const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const approvers = [await callerFor(t.db, "priya.raman@casefile.demo")];
for (const approver of approvers) {
  await enrolSecondFactor(approver, "demo-password-for-tests", { stepUp: true });
}
const { id: caseId, key: caseKey } = await ines.cases.create({
  title: "Takeover",
  summary: "",
  severity: 4,
  tlp: "amber",
});

async function runAccountDisable() {
  const params = { account: "m.alvarez@northwind-retail.example" };
  const { id } = await ines.requests.create({
    caseId,
    actionKey: "account.disable",
    params,
    justification: "The account is in the attacker's hands; disable it at the IdP now.",
    minutes: 30,
  });
  const priya = approvers[0];
  if (!priya) throw new Error("no approver");
  return ines.actions.execute({ caseId, grantId: await approveAsSeen(priya, id), params });
}

async function ledger(type: string, subject: string) {
  const rows = await t.ledger.sql<{ body: string }[]>`
    select body from ledger_inbox where body::jsonb ->> 'type' = ${type} and body::jsonb -> 'subjects' ? ${subject}
    order by id`;
  return rows.map((r) => JSON.parse(r.body) as { payload: Record<string, unknown> });
}

/**
 * Delivery attempts until the execution settles (backoff shortened for the test). The
 * execute call also kicks a delivery in the background, as in production, so a
 * claimed row may be busy for a while: poll.
 */
async function drain(executionId: string) {
  const deadline = Date.now() + 25_000;
  while (Date.now() < deadline) {
    await deliverWebhooks(t.db, { baseMs: 1, timeoutMs: 300 });
    const [row] = await t.db.select().from(outbox).where(eq(outbox.executionId, executionId));
    if (row?.deliveredAt || row?.failedAt) return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("outbox did not settle");
}

describe("webhook actions", () => {
  it("a receiver failing twice then succeeding: one delivered outcome, one ledger entry, same key, valid signatures", async () => {
    edr.received.length = 0;
    edr.answer([500, 503, 202]);
    const run = await runAccountDisable();
    expect(run.status).toBe("pending");
    await drain(run.executionId);
    expect(edr.received).toHaveLength(3);
    expect(edr.received.every((r) => r.key === run.executionId)).toBe(true);
    expect(edr.received.every((r) => r.verdict.ok)).toBe(true);
    const body = JSON.parse(edr.received[0]?.body ?? "{}") as Record<string, unknown>;
    expect(body).toMatchObject({
      type: "casefile.action",
      id: run.executionId,
      action: "account.disable",
      case: caseKey,
    });
    const [row] = await t.db.select().from(executions).where(eq(executions.id, run.executionId));
    expect(row?.status).toBe("succeeded");
    expect(row?.summary).toContain("attempt 3 of 5");
    expect(await ledger("action.queued", run.executionId)).toHaveLength(1);
    expect(await ledger("action.started", run.executionId)).toHaveLength(1);
    expect(await ledger("action.succeeded", run.executionId)).toHaveLength(1);
    expect(await ledger("action.failed", run.executionId)).toHaveLength(0);
  });

  it("a receiver that never accepts: failed after 5 attempts, recorded once", async () => {
    edr.received.length = 0;
    edr.answer([500, 500, 500, 500, 500]);
    const run = await runAccountDisable();
    const settled = await drain(run.executionId);
    expect(settled?.attempts).toBe(5);
    expect(edr.received).toHaveLength(5);
    const [row] = await t.db.select().from(executions).where(eq(executions.id, run.executionId));
    expect(row?.status).toBe("failed");
    expect(row?.summary).toContain("after 5 attempts; last: The endpoint answered HTTP 500");
    expect(await ledger("action.failed", run.executionId)).toHaveLength(1);
  });

  it("a receiver that hangs counts as a failed attempt and is retried", async () => {
    edr.received.length = 0;
    edr.answer([0, 200]);
    const run = await runAccountDisable();
    await drain(run.executionId);
    const [row] = await t.db.select().from(outbox).where(eq(outbox.executionId, run.executionId));
    expect(row?.attempts).toBe(2);
    expect(row?.deliveredAt).not.toBeNull();
    expect((await t.db.select().from(executions).where(eq(executions.id, run.executionId)))[0]?.status).toBe(
      "succeeded",
    );
  });

  it("a delivery claimed by a worker that died is retried after its lease, with the same key", async () => {
    edr.received.length = 0;
    edr.answer([200]);
    const run = await runAccountDisable();
    // A worker claimed it (attempt 1) and died before sending: the lease has lapsed.
    await t.owner
      .sql`update outbox set attempts = 1, locked_until = now() - interval '1 second' where execution_id = ${run.executionId}`;
    await drain(run.executionId);
    // At least once, always with the execution's id as the key, so the receiver can drop repeats.
    expect(edr.received.length).toBeGreaterThanOrEqual(1);
    expect(edr.received.every((r) => r.key === run.executionId)).toBe(true);
    expect(await ledger("action.succeeded", run.executionId)).toHaveLength(1);
    const [{ count } = { count: 0 }] = await t.db
      .select({ count: sql<number>`count(*)::int` })
      .from(outbox)
      .where(eq(outbox.executionId, run.executionId));
    expect(count).toBe(1);
  });
});

describe("state reconciliation with queued runs", () => {
  it("finds every grant's uses recorded once, whether its run was queued, delivered or failed", async () => {
    const report = await reconcileState(t.db);
    expect(report.mismatches).toEqual([]);
  });
});

describe("the signature a receiver checks", () => {
  // The README's example: this body, timestamp and secret.
  const body =
    '{"type":"casefile.action","id":"00000000-0000-4000-8000-000000000001","action":"host.isolate","params":{"hostId":"ws-sup-017"}}';
  const timestamp = "1795651200";
  const secret = "example-shared-secret-123";
  const now = Number(timestamp) + 10;

  it("accepts the documented signature", () => {
    const sig = signature(secret, timestamp, body);
    expect(sig).toBe("v1=8bc9c5c88dd1f3c621068f276cdeb2fd558bebf9f242b107cf882ece3a12b07e");
    expect(verifySignature(secret, { signature: sig, timestamp }, body, now)).toEqual({ ok: true });
  });

  it("rejects a forged signature, a changed body, and a stale timestamp", () => {
    const sig = signature(secret, timestamp, body);
    const forged = "v1=d4da50adb86e2f5e3cef4f846838f8f3ba578d6a1745acf6c76c800efb7e3e32"; // the README's forged example
    expect(verifySignature(secret, { signature: forged, timestamp }, body, now)).toEqual({
      ok: false,
      reason: "bad signature",
    });
    expect(
      verifySignature(secret, { signature: sig, timestamp }, body.replace("ws-sup-017", "ws-sup-018"), now),
    ).toEqual({ ok: false, reason: "bad signature" });
    expect(verifySignature(secret, { signature: sig, timestamp }, body, now + 3600)).toEqual({
      ok: false,
      reason: "timestamp outside the tolerance",
    });
  });
});
