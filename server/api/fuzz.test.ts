/**
 * Hostile input for every REST route, over real HTTP: random and crafted bodies, path
 * parameters and query strings never produce a server error, and every refusal is problem+json.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { seedDemo } from "@/server/demo/seed";
import { ensureActionTypes } from "../actions/types";
import { apiClient } from "../testing/api-client";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { tokenFor } from "../testing/tokens";
import { createApiHandler } from "./handler";
import { serveApi } from "./node-server";
import { ROUTES } from "./routes";

const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const { key: caseKey } = await ines.cases.create({
  title: "Fuzz case",
  summary: "",
  severity: 2,
  tlp: "green",
});
const { token } = await tokenFor(t.db, "ines.ortega@casefile.demo");
const { server, url } = await serveApi(
  createApiHandler({ db: t.db, ratePerMinute: 100_000, alertSources: [] }),
);
afterAll(() => server.close());
const api = apiClient(url);

const hostileString = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "'; drop table users; --",
    "<script>alert(1)</script>",
    "\u0000",
    "\ud800",
    "💥🧨\u202e",
    "../../etc/passwd",
    "%s%n%x",
    "NaN",
    "1e309",
    "-1",
    "00000000-0000-0000-0000-000000000000",
    "2026-11-19T09:00:00Z",
    "x".repeat(20_000),
  ),
  fc.string({ maxLength: 40 }),
);
const hostile = fc.oneof(
  hostileString,
  fc.constantFrom(-1, 0, 1.5, 2 ** 53, Number.MAX_VALUE, 1e308),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom("kind", "value", "relation", "occurredAt", "title"), hostileString, {
    maxKeys: 3,
  }),
);
const FIELDS = [
  "title",
  "severity",
  "summary",
  "tlp",
  "version",
  "occurredAt",
  "description",
  "entities",
  "events",
  "kind",
  "value",
  "role",
  "name",
  "sha256",
  "sizeBytes",
  "source",
  "acquiredAt",
  "actionKey",
  "params",
  "justification",
  "minutes",
  "uses",
  "reason",
  "caseId",
  "__proto__",
  "constructor",
];
const body = fc.dictionary(fc.constantFrom(...FIELDS), hostile, { maxKeys: 6 });
const pathValue = fc.oneof(
  fc.constantFrom(
    caseKey,
    "CASE-0000-0000",
    "%",
    "%zz",
    "..",
    "00000000-0000-0000-0000-000000000000",
    "1e309",
    "-1",
  ),
  fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent),
);
// Query strings stay under the HTTP server's header limit (longer URLs are refused with 431 before any handler).
const queryString = hostileString.map((v) => v.slice(0, 2000));
const query = fc.dictionary(
  fc.constantFrom(
    "limit",
    "cursor",
    "status",
    "severity",
    "mine",
    "q",
    "from",
    "to",
    "starred",
    "seq",
    "size1",
    "size2",
  ),
  queryString,
  { maxKeys: 4 },
);

describe("hostile input on the REST API", () => {
  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s never fails with a server error",
    async (_, route) => {
      await fc.assert(
        fc.asyncProperty(body, pathValue, query, async (b, p, q) => {
          const path = route.path.replace(/\{[^}]+\}/g, p);
          const search = new URLSearchParams(q).toString();
          const res = await api(route.method, `${path}${search ? `?${search}` : ""}`, {
            token,
            ...(route.method === "GET" ? {} : { body: b }),
          });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(res.type).toBe("application/problem+json");
        }),
        { numRuns: RUNS },
      );
    },
  );
});
