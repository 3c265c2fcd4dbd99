/** The REST API over real HTTP: every route, its status codes, problem+json, scopes, idempotency, rate limit. */
import { and, count, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { cases, timelineEvents, users } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { ensureActionTypes } from "../actions/types";
import { seedConnector } from "../connectors/connectors";
import { apiClient } from "../testing/api-client";
import { approveAsSeen, callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { testSystems } from "../testing/systems";
import { tokenFor } from "../testing/tokens";
import { createApiHandler } from "./handler";
import { serveApi } from "./node-server";
import { ROUTES } from "./routes";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const systems = await testSystems();
const [admin] = await t.db
  .select({ id: users.id })
  .from(users)
  .where(eq(users.email, "sam.okafor@casefile.demo"));
await seedConnector(
  t.db,
  { name: "evidence-store", kind: "postgres", serves: ["logs.query"], config: { url: systems.evidenceUrl } },
  admin?.id ?? "",
);
const { server, url } = await serveApi(createApiHandler({ db: t.db, ratePerMinute: 1000, alertSources: [] }));
const limited = await serveApi(createApiHandler({ db: t.db, ratePerMinute: 3, alertSources: [] }));
afterAll(() => {
  server.close();
  limited.server.close();
});
const api = apiClient(url);

const INES = "ines.ortega@casefile.demo";
const ines = await callerFor(t.db, INES);
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
const full = (await tokenFor(t.db, INES)).token;
const readOnly = (await tokenFor(t.db, INES, ["cases:read"])).token;
const marcusToken = (await tokenFor(t.db, "marcus.webb@casefile.demo")).token;
const { key: caseKey, id: caseId } = await ines.cases.create({
  title: "REST case",
  summary: "Seen from the API",
  severity: 3,
  tlp: "amber",
});
const eventCount = async () =>
  (await t.db.select({ n: count() }).from(timelineEvents).where(eq(timelineEvents.caseId, caseId)))[0]?.n ??
  0;

const logs = {
  table: "auth_logs",
  columns: ["ts", "src_ip", "result"],
  subject: "m.alvarez@northwind-retail.example",
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-20T12:00:00Z",
  rowCap: 100,
};

describe("the OpenAPI document", () => {
  it("is served without a token and describes every route", async () => {
    const res = await api("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe("3.1.0");
    const paths = res.json.paths as Record<string, Record<string, { requestBody?: unknown }>>;
    for (const route of ROUTES) expect(paths[route.path]?.[route.method.toLowerCase()]).toBeTruthy();
    const addEvent = paths["/cases/{case}/events"]?.post?.requestBody as {
      content: {
        "application/json": {
          schema: { properties: Record<string, { format?: string }>; required: string[] };
        };
      };
    };
    const schema = addEvent.content["application/json"].schema;
    expect(schema.properties.occurredAt?.format).toBe("date-time");
    expect(schema.required).toEqual(expect.arrayContaining(["occurredAt", "title"]));
    expect(schema.properties.caseId).toBeUndefined();
  });
});

describe("authentication and errors", () => {
  it("answers 401 problem+json without a live token, 404 and 405 for what is no route", async () => {
    const none = await api("GET", "/cases");
    expect([none.status, none.type, none.headers.get("www-authenticate")]).toEqual([
      401,
      "application/problem+json",
      'Bearer realm="casefile"',
    ]);
    expect((await api("GET", "/cases", { token: `cf_${"A".repeat(43)}` })).status).toBe(401);
    expect((await api("GET", "/nothing", { token: full })).status).toBe(404);
    expect((await api("PATCH", "/cases", { token: full })).status).toBe(405);
  });

  it("refuses a body that is no JSON object, or too large, naming the field", async () => {
    const bad = await api("POST", "/cases", { token: full, raw: "{not json" });
    expect([bad.status, bad.json.field]).toEqual([400, "body"]);
    const list = await api("POST", "/cases", { token: full, raw: "[1]" });
    expect([list.status, list.json.field]).toEqual([400, "body"]);
    const huge = await api("POST", "/cases", {
      token: full,
      raw: JSON.stringify({ title: "x".repeat(1_100_000) }),
    });
    expect(huge.status).toBe(413);
  });
});

describe("cases", () => {
  it("lists, pages, opens and reads a case; another's case is 404", async () => {
    await ines.cases.create({ title: "Second REST case", summary: "", severity: 1, tlp: "green" });
    const first = await api("GET", "/cases?limit=1", { token: readOnly });
    expect(first.status).toBe(200);
    expect((first.json.items as unknown[]).length).toBe(1);
    const second = await api("GET", `/cases?limit=1&cursor=${String(first.json.nextCursor)}`, {
      token: readOnly,
    });
    expect((second.json.items as { key: string }[])[0]?.key).not.toBe(
      (first.json.items as { key: string }[])[0]?.key,
    );
    expect((await api("GET", "/cases?limit=500", { token: readOnly })).json.field).toBe("limit");

    const one = await api("GET", `/cases/${caseKey}`, { token: readOnly });
    expect([one.status, one.json.key]).toEqual([200, caseKey]);
    expect((await api("GET", `/cases/${caseId}`, { token: readOnly })).json.key).toBe(caseKey);
    const hidden = await api("GET", `/cases/${caseKey}`, { token: marcusToken });
    expect([hidden.status, hidden.type]).toEqual([404, "application/problem+json"]);
  });

  it("opens a case with cases:write (201), refuses it to a read-only token (403), names bad fields (400)", async () => {
    const created = await api("POST", "/cases", {
      token: full,
      body: { title: "Opened by API", severity: 2 },
    });
    expect(created.status).toBe(201);
    expect(created.json.key).toMatch(/^CASE-\d{4}-\d{4}$/);
    const refused = await api("POST", "/cases", { token: readOnly, body: { title: "Nope", severity: 2 } });
    expect([refused.status, refused.json.detail]).toEqual([403, expect.stringContaining("cases:write")]);
    const bad = await api("POST", "/cases", { token: full, body: { title: "x", severity: 9 } });
    expect([bad.status, bad.json.field]).toEqual([400, "title"]);
    expect((bad.json.errors as { field: string }[]).map((e) => e.field)).toContain("severity");
    const patched = await api("PATCH", `/cases/${caseKey}`, {
      token: full,
      body: { version: 1, title: "REST case, renamed" },
    });
    expect(patched.status).toBe(200);
  });
});

describe("timeline, entities and evidence", () => {
  it("adds an event (dates as ISO text) and pages the timeline by cursor", async () => {
    for (const minute of ["10", "11"]) {
      const res = await api("POST", `/cases/${caseKey}/events`, {
        token: full,
        body: {
          occurredAt: `2026-11-19T09:${minute}:00Z`,
          title: `Sign-in from 203.0.113.47 at ${minute}`,
          entities: [{ kind: "ip", value: "203.0.113.47", relation: "actor" }],
        },
      });
      expect(res.status).toBe(201);
    }
    const bad = await api("POST", `/cases/${caseKey}/events`, {
      token: full,
      body: { occurredAt: "yesterday", title: "" },
    });
    expect(bad.status).toBe(400);
    expect((bad.json.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      "occurredAt",
      "title",
    ]);
    const page = await api("GET", `/cases/${caseKey}/events?limit=1`, { token: readOnly });
    expect(page.status).toBe(200);
    expect(typeof page.json.nextCursor).toBe("string");
    const next = await api("GET", `/cases/${caseKey}/events?limit=1&cursor=${String(page.json.nextCursor)}`, {
      token: readOnly,
    });
    expect(next.status).toBe(200);
    expect(JSON.stringify(next.json)).not.toBe(JSON.stringify(page.json));
    expect((await api("GET", `/cases/${caseKey}/events?limit=abc`, { token: readOnly })).json.field).toBe(
      "limit",
    );
  });

  it("adds a batch all or nothing, naming the bad event's field", async () => {
    const before = await eventCount();
    const bad = await api("POST", `/cases/${caseKey}/events/batch`, {
      token: full,
      body: {
        events: [
          { occurredAt: "2026-11-19T09:20:00Z", title: "Good" },
          { occurredAt: "2026-11-19T09:21:00", title: "No zone" },
        ],
      },
    });
    expect([bad.status, bad.json.field]).toEqual([400, "events.1.occurredAt"]);
    expect(await eventCount()).toBe(before);
    const good = await api("POST", `/cases/${caseKey}/events/batch`, {
      token: full,
      body: {
        events: [
          {
            occurredAt: "2026-11-19T09:20:00Z",
            title: "Good",
            entities: [{ relation: "target", kind: "host", value: "WS-17" }],
          },
          { occurredAt: "2026-11-19T09:21:00+01:00", title: "Also good" },
        ],
      },
    });
    expect([good.status, good.json.imported]).toEqual([201, 2]);
    expect(await eventCount()).toBe(before + 2);
  });

  it("adds and lists entities and evidence metadata", async () => {
    const entity = await api("POST", `/cases/${caseKey}/entities`, {
      token: full,
      body: { kind: "host", value: "ws-42" },
    });
    expect(entity.status).toBe(201);
    const entities = await api("GET", `/cases/${caseKey}/entities`, { token: readOnly });
    expect((entities.json.items as { value: string }[]).map((e) => e.value)).toContain("ws-42");
    const evidence = await api("POST", `/cases/${caseKey}/evidence`, {
      token: full,
      body: {
        name: "mail.eml",
        sha256: "a".repeat(64),
        sizeBytes: 10,
        source: "mail gateway",
        acquiredAt: "2026-11-19T10:00:00Z",
      },
    });
    expect(evidence.status).toBe(201);
    const listed = await api("GET", `/cases/${caseKey}/evidence`, { token: readOnly });
    expect((listed.json.items as { name: string }[]).map((e) => e.name)).toContain("mail.eml");
    const bad = await api("POST", `/cases/${caseKey}/evidence`, {
      token: full,
      body: { name: "x", sha256: "zz", sizeBytes: 1, source: "s", acquiredAt: "2026-11-19T10:00:00Z" },
    });
    expect([bad.status, bad.json.field]).toEqual([400, "sha256"]);
  });
});

describe("requests and grants", () => {
  const ask = {
    actionKey: "logs.query",
    params: logs,
    justification: "Sign-ins of the suspect account during the incident window, for the timeline.",
    minutes: 10,
  };

  it("creates a request, shows its status, cancels it", async () => {
    const created = await api("POST", `/cases/${caseKey}/requests`, { token: full, body: ask });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    const status = await api("GET", `/requests/${id}`, { token: full });
    expect([status.status, (status.json.request as { status: string }).status]).toEqual([200, "pending"]);
    expect((await api("POST", `/requests/${id}/cancel`, { token: full })).status).toBe(200);
    expect(
      ((await api("GET", `/requests/${id}`, { token: full })).json.request as { status: string }).status,
    ).toBe("cancelled");
    expect((await api("GET", `/requests/${id}`, { token: marcusToken })).status).toBe(404);
    const short = await api("POST", `/cases/${caseKey}/requests`, {
      token: full,
      body: { ...ask, justification: "because" },
    });
    expect([short.status, short.json.field]).toEqual([400, "justification"]);
  });

  it("runs a granted action once, and revokes a grant", async () => {
    const { id } = await ines.requests.create({ caseId, ...ask });
    const grantId = await approveAsSeen(priya, id);
    const run = await api("POST", `/cases/${caseKey}/grants/${grantId}/execute`, {
      token: full,
      body: { params: logs },
    });
    expect([run.status, run.json.status]).toEqual([200, "succeeded"]);
    const again = await api("POST", `/cases/${caseKey}/grants/${grantId}/execute`, {
      token: full,
      body: { params: logs },
    });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.type).toBe("application/problem+json");
    const noScope = await api("POST", `/grants/${grantId}/revoke`, { token: readOnly });
    expect(noScope.status).toBe(403);

    const { id: second } = await ines.requests.create({ caseId, ...ask });
    const secondGrant = await approveAsSeen(priya, second);
    expect((await api("POST", `/grants/${secondGrant}/revoke`, { token: full })).status).toBe(200);
  });

  it("lists the action catalogue and the case's requests", async () => {
    expect((await api("GET", "/actions", { token: readOnly })).status).toBe(200);
    const ofCase = await api("GET", `/cases/${caseKey}/requests`, { token: readOnly });
    expect((ofCase.json.requests as unknown[]).length).toBeGreaterThan(0);
  });
});

describe("ledger reads", () => {
  it("are for compliance with ledger:read; an investigator's token is refused", async () => {
    const carla = (await tokenFor(t.db, "carla.nguyen@casefile.demo", ["ledger:read"])).token;
    const entries = await api("GET", "/ledger/entries?limit=2", { token: carla });
    expect(entries.status).toBe(200);
    expect(Array.isArray(entries.json.entries)).toBe(true);
    expect((await api("GET", "/ledger/checkpoint", { token: carla })).status).toBe(200);
    // Nothing is integrated in this database: the entry is not found, and the problem says so.
    const missing = await api("GET", "/ledger/entries/999999", { token: carla });
    expect([missing.status, missing.type, missing.json.field]).toEqual([
      404,
      "application/problem+json",
      "seq",
    ]);
    expect((await api("GET", "/ledger/entries", { token: full })).status).toBe(403);
    expect((await api("GET", "/ledger/entries/abc", { token: carla })).json.field).toBe("seq");
  });
});

describe("Idempotency-Key", () => {
  it("replays the same response, refuses another body, and creates once under concurrent retries", async () => {
    const body = { title: "Idempotent case", severity: 2 };
    const headers = { "idempotency-key": "open-once-1" };
    const [a, b, c] = await Promise.all(
      [1, 2, 3].map(() => api("POST", "/cases", { token: full, body, headers })),
    );
    const created = [a, b, c].filter((r) => r?.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    const keys = new Set(created.map((r) => r?.json.key));
    expect(keys.size).toBe(1);
    for (const r of [a, b, c]) expect([201, 409]).toContain(r?.status);
    const replay = await api("POST", "/cases", { token: full, body, headers });
    expect([replay.status, replay.json.key, replay.headers.get("idempotent-replayed")]).toEqual([
      201,
      [...keys][0],
      "true",
    ]);
    const rows = await t.db
      .select({ n: count() })
      .from(cases)
      .where(and(eq(cases.title, "Idempotent case")));
    expect(rows[0]?.n).toBe(1);
    const other = await api("POST", "/cases", { token: full, body: { ...body, severity: 3 }, headers });
    expect([other.status, other.json.field]).toEqual([422, "Idempotency-Key"]);
    const badKey = await api("POST", "/cases", { token: full, body, headers: { "idempotency-key": "a b" } });
    expect([badKey.status, badKey.json.field]).toEqual([400, "Idempotency-Key"]);
  });

  it("replays a refusal too, with its problem document", async () => {
    const headers = { "idempotency-key": "bad-once" };
    const first = await api("POST", "/cases", { token: full, body: { title: "x", severity: 2 }, headers });
    const again = await api("POST", "/cases", { token: full, body: { title: "x", severity: 2 }, headers });
    expect([first.status, again.status, again.type, again.json.field]).toEqual([
      400,
      400,
      "application/problem+json",
      "title",
    ]);
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After once a token spends its minute", async () => {
    const own = (await tokenFor(t.db, INES, ["cases:read"])).token;
    const limitedApi = apiClient(limited.url);
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => limitedApi("GET", "/me", { token: own })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = results.find((r) => r.status === 429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused?.type).toBe("application/problem+json");
    // Another token has its own allowance.
    const other = (await tokenFor(t.db, INES, ["cases:read"])).token;
    expect((await limitedApi("GET", "/me", { token: other })).status).toBe(200);
  });
});
