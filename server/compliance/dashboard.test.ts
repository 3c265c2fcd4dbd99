import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { seedDemoCases } from "../demo/cases";
import { seedDemoHistory } from "../demo/history";
import { DomainError } from "../errors";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { dashboard, rowsBehind } from "./dashboard";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
await seedDemoCases(t.db);
const made = await seedDemoHistory(t.db);
const to = new Date(Date.now() + 86_400_000);
const from = new Date(to.getTime() - 40 * 86_400_000);

describe("the compliance dashboard", () => {
  it("counts the period's requests, decisions and grants, and names the rows behind each number", async () => {
    const d = await dashboard(t.db, { from, to });
    expect(d.totals.requests).toBe(made);
    expect(d.totals.approved).toBe(23); // Tom 8 + 2, Priya 10 + 3 (break-glass counted apart)
    expect(d.totals.denied).toBe(2);
    expect(d.totals.breakGlass).toBe(1);
    expect(d.series.reduce((n, day) => n + day.requests, 0)).toBe(made);
    expect(d.topApprovers[0]).toMatchObject({ name: "Priya Raman" });
    expect(d.timeToDecision.p50Seconds).toBeGreaterThan(0);
    expect(d.teams).toContain("Incident response");
    const approved = await rowsBehind(t.db, { from, to, kind: "approved" });
    expect(approved).toHaveLength(d.totals.approved);
    const unused = await rowsBehind(t.db, { from, to, kind: "unused_grants" });
    expect(unused).toHaveLength(d.totals.unusedGrants);
    expect(unused.every((r) => r.uses === 0)).toBe(true);
  });

  it("filters by the requester's team", async () => {
    expect((await dashboard(t.db, { from, to, team: "Incident response" })).totals.requests).toBe(made);
    const soc = await dashboard(t.db, { from, to, team: "Security operations" });
    expect(soc.totals.requests).toBe(0);
    expect(soc.topApprovers).toEqual([]);
    expect(await rowsBehind(t.db, { from, to, kind: "requests", team: "Security operations" })).toEqual([]);
  });

  it("refuses a period that ends before it starts, naming the field", async () => {
    const error = await dashboard(t.db, { from: to, to: from }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).field).toBe("to");
    const carla = await callerFor(t.db, "carla.nguyen@casefile.demo");
    await expect(carla.compliance.dashboard({ from: to, to: from })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
