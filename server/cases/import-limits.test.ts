/**
 * A timeline import anywhere inside the documented limits (5 MB, 5,000 rows, 50
 * entities per event) is written in full: events, links and entities, in one
 * transaction, with its ledger entry.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { IMPORT_LIMITS } from "./import-parse";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const lead = await callerFor(t.db, "ines.ortega@casefile.demo");

type Shape = { rows: number; perRow: number; pool: number; relation?: "observed" | "actor" };

/** A CSV of `rows` events, each naming `perRow` hosts drawn from `pool` distinct ones. */
function csv({ rows, perRow, pool, relation = "actor" }: Shape): string {
  const lines = ["occurred_at,title,entities"];
  const start = Date.UTC(2026, 10, 19, 22, 0, 0);
  for (let i = 0; i < rows; i++) {
    const refs = Array.from({ length: perRow }, (_, j) => `${relation}:host:h${(i * perRow + j) % pool}`);
    lines.push(`${new Date(start + i * 1000).toISOString()},Event ${i},${refs.join(";")}`);
  }
  return lines.join("\n") + "\n";
}

async function importInto(shape: Shape) {
  const { id: caseId, key } = await lead.cases.create({
    title: `Import of ${shape.rows} x ${shape.perRow}`,
    summary: "Bulk import at the limits.",
    severity: 2,
    tlp: "amber",
  });
  const content = csv(shape);
  expect(Buffer.byteLength(content)).toBeLessThanOrEqual(IMPORT_LIMITS.maxBytes);
  const result = await lead.cases.timeline.import({ caseId, format: "csv", content });
  const [counts] = await t.owner.sql<{ events: number; links: number; entities: number }[]>`
    select (select count(*)::int from timeline_events where case_id = ${caseId} and source = 'import') as events,
      (select count(*)::int from event_entities ee join timeline_events e on e.id = ee.event_id
        where e.case_id = ${caseId}) as links,
      (select count(*)::int from entities where case_id = ${caseId}) as entities`;
  const [entry] = await t.ledger.sql<{ body: string }[]>`
    select body from ledger_inbox where body::jsonb ->> 'type' = 'timeline.imported'
      and body::jsonb ->> 'caseKey' = ${key}`;
  return { result, counts, entry };
}

describe("timeline import at the limits", () => {
  it("imports 2,000 rows of 50 entities each (2.3 MB)", async () => {
    const shape = { rows: 2000, perRow: 50, pool: 2000, relation: "observed" as const };
    expect(Buffer.byteLength(csv(shape))).toBeGreaterThan(2_000_000);
    const { result, counts, entry } = await importInto(shape);
    expect(result).toMatchObject({ imported: 2000, problems: [] });
    expect(counts).toEqual({ events: 2000, links: 100_000, entities: 2000 });
    expect(JSON.parse(entry?.body ?? "{}")).toMatchObject({ payload: { imported: 2000 } });
  }, 300_000);

  it("imports any file inside the limits in full", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          rows: fc.oneof(
            fc.constant(IMPORT_LIMITS.maxRows),
            fc.integer({ min: 1, max: IMPORT_LIMITS.maxRows }),
          ),
          perRow: fc.oneof(fc.constant(50), fc.integer({ min: 0, max: 50 })),
          pool: fc.integer({ min: 1, max: 1500 }),
        }),
        async (shape) => {
          const { result, counts } = await importInto(shape);
          expect(result).toMatchObject({ imported: shape.rows, problems: [] });
          const distinct = Math.min(shape.pool, shape.rows * shape.perRow);
          expect(counts).toEqual({
            events: shape.rows,
            links: shape.rows * Math.min(shape.perRow, shape.pool),
            entities: distinct,
          });
        },
      ),
      { numRuns: 4 },
    );
  }, 400_000);
});
