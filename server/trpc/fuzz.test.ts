/**
 * Hostile input for every procedure: random and crafted values (huge strings, wrong
 * types, unicode, SQL and HTML fragments, negative and huge numbers, unknown fields)
 * never produce an internal error, and a rejected call leaves the data unchanged.
 */
import { TRPCError } from "@trpc/server";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { appRouter } from "./routers/_app";

// Runs per procedure: a dozen in `npm test`, many more in `npm run test:stress` (FUZZ_RUNS).
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const callers = await Promise.all(
  ["ines.ortega", "priya.raman", "carla.nguyen", "sam.okafor"].map((n) =>
    callerFor(t.db, `${n}@casefile.demo`),
  ),
);
const ines = callers[0];
if (!ines) throw new Error("no caller");
const { id: caseId } = await ines.cases.create({
  title: "Fuzz case",
  summary: "",
  severity: 2,
  tlp: "green",
});

const hostileString = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "'; drop table users; --",
    "<script>alert(1)</script>",
    "\u0000",
    "💥🧨\u202e",
    "../../etc/passwd",
    "%s%n%x",
    "NaN",
    "1e309",
    "-1",
    "00000000-0000-0000-0000-000000000000",
    caseId,
    "x".repeat(100_000),
  ),
  fc.string({ maxLength: 40 }),
  fc.uuid(),
);
const hostileNumber = fc.constantFrom(
  -1,
  0,
  1.5,
  2 ** 53,
  -(2 ** 31),
  Number.MAX_VALUE,
  Number.NaN,
  Infinity,
);
const hostile = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
);
const FIELDS = [
  "caseId",
  "requestId",
  "grantId",
  "evidenceId",
  "findingId",
  "userId",
  "campaignId",
  "approvalId",
  "id",
  "seq",
  "title",
  "summary",
  "severity",
  "tlp",
  "params",
  "actionKey",
  "justification",
  "reason",
  "minutes",
  "uses",
  "note",
  "status",
  "from",
  "to",
  "kind",
  "name",
  "config",
  "email",
  "roles",
  "clearance",
  "body",
  "occurredAt",
  "code",
  "decision",
  "paramsHashSeen",
  "verdict",
  "version",
  "patch",
  "key",
  "value",
  "sessionId",
  "evil",
];
const input = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  hostile,
  fc.dictionary(fc.constantFrom(...FIELDS), hostile, { maxKeys: 6 }),
  fc.dictionary(fc.constantFrom(...FIELDS), fc.anything({ maxDepth: 1 }), { maxKeys: 4 }),
);

type Procedure = (input: unknown) => Promise<unknown>;
function procedureAt(caller: unknown, path: string): Procedure {
  let node = caller as Record<string, unknown>;
  for (const part of path.split(".")) node = node[part] as Record<string, unknown>;
  return node as unknown as Procedure;
}

const TABLES = [
  "users",
  "user_roles",
  "cases",
  "case_members",
  "entities",
  "timeline_events",
  "notes",
  "evidence",
  "action_types",
  "action_requests",
  "approvals",
  "grants",
  "executions",
  "connectors",
  "findings",
  "detector_settings",
  "review_campaigns",
  "attestations",
  "user_invitations",
];
async function snapshot(): Promise<string> {
  const counts = await t.owner.sql.unsafe(
    `select ${TABLES.map((name) => `(select count(*) from ${name})::int as ${name}`).join(", ")}`,
  );
  const versions = await t.owner.sql`select coalesce(sum(version), 0)::int as v from action_types`;
  return JSON.stringify([counts[0], versions[0]]);
}

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
)
  .filter(([, p]) => p._def.type !== "subscription")
  .map(([path]) => path);

describe("hostile input", () => {
  it("covers every query and mutation of the router", () => {
    expect(procedures.length).toBeGreaterThan(60);
  });

  it.each(procedures)("%s never fails internally, and a rejection changes nothing", async (path) => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: callers.length - 1 }), input, async (who, value) => {
        const before = await snapshot();
        try {
          await procedureAt(callers[who], path)(value);
        } catch (error) {
          expect(error).toBeInstanceOf(TRPCError);
          expect((error as TRPCError).code).not.toBe("INTERNAL_SERVER_ERROR");
          expect(await snapshot()).toBe(before);
        }
      }),
      { numRuns: RUNS, seed: 20261123 },
    );
  });
});
