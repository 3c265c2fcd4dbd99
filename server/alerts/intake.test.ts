/** Alert intake over real HTTP: a token with events:ingest, or a signed webhook source. */
import { count, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { cases, entities, timelineEvents } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { createApiHandler } from "../api/handler";
import { serveApi } from "../api/node-server";
import { signature } from "../connectors/webhook";
import { apiClient } from "../testing/api-client";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { inboxEntries } from "../testing/ledger-inbox";
import { enrolSecondFactor } from "../testing/second-factor";
import { totpCode } from "../testing/totp";
import { tokenFor } from "../testing/tokens";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const sam = await callerFor(t.db, "sam.okafor@casefile.demo");
const { secret } = await enrolSecondFactor(sam, "demo-password-for-tests");
await sam.admin.users.create({
  name: "SIEM",
  email: "svc-siem@casefile.demo",
  roles: ["investigator"],
  clearance: 1,
  serviceAccount: true,
  secondFactorCode: totpCode(secret, 1),
});
const SECRET = "s".repeat(40);
const { server, url } = await serveApi(
  createApiHandler({
    db: t.db,
    ratePerMinute: 1000,
    alertSources: [{ name: "edr", secret: SECRET, account: "svc-siem@casefile.demo" }],
  }),
);
afterAll(() => server.close());
const api = apiClient(url);
const token = (await tokenFor(t.db, "svc-siem@casefile.demo", ["events:ingest"])).token;
const readOnly = (await tokenFor(t.db, "svc-siem@casefile.demo", ["cases:read"])).token;

const alert = (id: string, extra: Record<string, unknown> = {}) => ({
  "@timestamp": "2026-11-19T09:14:00Z",
  observer: { name: "siem" },
  event: { id, severity: 3, category: "authentication" },
  rule: { name: "Impossible travel for jdoe" },
  message: "Sign-ins from two countries within ten minutes",
  correlation_key: "user:jdoe",
  threat: { technique: { id: "t1078" } },
  user: { name: "JDoe@Corp.Example" },
  source: { ip: "203.0.113.47" },
  host: { name: "WS-17" },
  ...extra,
});
const totals = async () => ({
  cases: (await t.db.select({ n: count() }).from(cases))[0]?.n ?? 0,
  events: (await t.db.select({ n: count() }).from(timelineEvents))[0]?.n ?? 0,
  entities: (await t.db.select({ n: count() }).from(entities))[0]?.n ?? 0,
});

describe("alert intake", () => {
  it("opens a case, appends the next alert of the correlation key to it, and takes a repeat once", async () => {
    const first = await api("POST", "/alerts", { token, body: alert("A-1") });
    expect([first.status, first.json.created, first.json.duplicate]).toEqual([201, true, false]);
    const caseKey = String(first.json.caseKey);
    expect(caseKey).toMatch(/^CASE-/);
    const second = await api("POST", "/alerts", {
      token,
      body: alert("A-2", { rule: { name: "MFA fatigue" } }),
    });
    expect([second.json.caseKey, second.json.created]).toEqual([caseKey, false]);
    const before = await totals();
    const repeats = await Promise.all(
      [1, 2, 3].map(() => api("POST", "/alerts", { token, body: alert("A-2") })),
    );
    expect(repeats.map((r) => [r.json.caseKey, r.json.duplicate])).toEqual(Array(3).fill([caseKey, true]));
    expect(await totals()).toEqual(before);

    const [row] = await t.db.select().from(cases).where(eq(cases.key, caseKey));
    const events = await t.db
      .select()
      .from(timelineEvents)
      .where(eq(timelineEvents.caseId, row?.id ?? ""));
    expect(events.map((e) => e.title).sort()).toEqual(["Impossible travel for jdoe", "MFA fatigue"]);
    expect(events[0]?.attackTechnique).toBe("T1078");
    const found = await t.db
      .select()
      .from(entities)
      .where(eq(entities.caseId, row?.id ?? ""));
    expect(found.map((e) => `${e.kind}:${e.value}`).sort()).toEqual([
      "host:ws-17",
      "ip:203.0.113.47",
      "user_account:jdoe@corp.example",
    ]);
    expect((await inboxEntries(t, "alert.taken_in")).length).toBe(2);
  });

  it("concurrent first alerts of one correlation key share one case", async () => {
    const results = await Promise.all(
      ["B-1", "B-2", "B-3"].map((id) =>
        api("POST", "/alerts", { token, body: alert(id, { correlation_key: "host:ws-99" }) }),
      ),
    );
    expect(new Set(results.map((r) => r.json.caseKey)).size).toBe(1);
    expect(results.filter((r) => r.json.created).length).toBe(1);
  });

  it("refuses bad input naming the field, and writes nothing", async () => {
    const before = await totals();
    const cases_ = [
      [alert("C-1", { "@timestamp": "last night" }), "@timestamp"],
      [alert("C-2", { source: { ip: "999.1.1.1" } }), "source.ip"],
      [alert("C-3", { threat: { technique: { id: "T99" } } }), "threat.technique.id"],
      [alert("C-4", { rule: { name: "" } }), "rule.name"],
      [alert("C-5", { event: { severity: 2 } }), "event.id"],
      [alert("C-6", { message: "x".repeat(20_001) }), "message"],
    ] as const;
    for (const [body, field] of cases_) {
      const res = await api("POST", "/alerts", { token, body });
      expect([res.status, res.type, res.json.field]).toEqual([400, "application/problem+json", field]);
    }
    const huge = await api("POST", "/alerts", {
      token,
      raw: JSON.stringify(alert("C-7", { pad: "x".repeat(1_100_000) })),
    });
    expect(huge.status).toBe(413);
    expect(await totals()).toEqual(before);
  });

  it("needs events:ingest, or a valid signature of a configured source", async () => {
    expect((await api("POST", "/alerts", { token: readOnly, body: alert("D-1") })).status).toBe(403);
    const body = JSON.stringify(alert("D-2"));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signed = await api("POST", "/alerts", {
      raw: body,
      headers: {
        "casefile-source": "edr",
        "casefile-timestamp": timestamp,
        "casefile-signature": signature(SECRET, timestamp, body),
      },
    });
    expect([signed.status, signed.json.duplicate]).toEqual([201, false]);
    const forged = await api("POST", "/alerts", {
      raw: body,
      headers: {
        "casefile-source": "edr",
        "casefile-timestamp": timestamp,
        "casefile-signature": signature("wrong", timestamp, body),
      },
    });
    expect([forged.status, forged.type]).toEqual([401, "application/problem+json"]);
    const unknown = await api("POST", "/alerts", {
      raw: body,
      headers: {
        "casefile-source": "nobody",
        "casefile-timestamp": timestamp,
        "casefile-signature": signature(SECRET, timestamp, body),
      },
    });
    expect(unknown.status).toBe(401);
  });
});
