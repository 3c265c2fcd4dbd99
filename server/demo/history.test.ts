import { describe, expect, it } from "vitest";
import { seedDemo } from "./seed";
import { ensureActionTypes } from "../actions/types";
import { seedDemoCases } from "./cases";
import { runDetectors } from "../compliance/findings";
import { reconcileState } from "../ledger/reconcile";
import { testDatabase } from "../testing/db";
import { seedDemoHistory } from "./history";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
await seedDemoCases(t.db);

describe("the demo's approval history", () => {
  it("gives the compliance dashboard a rubber-stamping approver to find, and little else", async () => {
    expect(await seedDemoHistory(t.db)).toBe(26);
    await runDetectors(t.db, { orgTimeZone: "UTC" });
    const found = await t.owner.sql<
      { detector: string; title: string }[]
    >`select detector, title from findings order by detector`;
    expect(found.map((f) => f.detector)).toEqual(["break_glass", "rubber_stamping", "unused_grants"]);
    expect(found.find((f) => f.detector === "rubber_stamping")?.title).toBe(
      "Tom Becker approves quickly or without comment",
    );
  });

  it("is consistent: every grant use has its execution", async () => {
    const mismatched = await t.owner.sql`
      select g.id from grants g left join executions x on x.grant_id = g.id
      group by g.id, g.uses having count(x.id) <> g.uses`;
    expect(mismatched).toHaveLength(0);
    const [used] = await t.owner.sql<{ n: number }[]>`select count(*)::int as n from executions`;
    expect(used?.n).toBeGreaterThan(10);
  });

  it("reconciles with the ledger: its one entry accounts for the rows it wrote", async () => {
    const report = await reconcileState(t.db);
    expect(report.mismatches).toEqual([]);
    expect(report.rows).toBeGreaterThan(50);
  });
});
