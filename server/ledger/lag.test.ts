/**
 * A stalled integrator is seen: the lag grows where health and the dashboard read it, the log says
 * why, a critical finding opens; and a server fault never quarantines anything.
 */
import { describe, expect, it, vi } from "vitest";
import { seedDemo } from "../demo/seed";
import { runDetectors } from "../compliance/findings";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { parseSignerKey, generateSignerKey } from "./checkpoint";
import { LedgerIntegrator } from "./integrator";
import { integrationLag, lagAlarm } from "./lag";
import { appendTestEntry, TEST_ORIGIN } from "./testing";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const logged: string[] = [];
const integrator = new LedgerIntegrator({
  db: t.ledger.db,
  signer: parseSignerKey(generateSignerKey(TEST_ORIGIN)),
  origin: TEST_ORIGIN,
  log: (line) => logged.push(line),
});

describe("integration lag", () => {
  it("is zero when the integrator keeps up", async () => {
    await appendTestEntry(t.db, { type: "test.kept_up", actor: null });
    await integrator.drain();
    const lag = await integrationLag(t.db);
    expect(lag).toMatchObject({ pending: 0, quarantined: 0, lagSeconds: 0, oldestQueuedAt: null });
    expect(lag.size).toBeGreaterThan(0);
    expect(lagAlarm(lag, 60)).toBeNull();
  });

  it("grows while the integrator is stalled, raises the alarm, and clears when it recovers", async () => {
    // A server-side fault: every insert into the log fails as a full disk would.
    await t.owner.sql.unsafe(`
      create function test_disk_full() returns trigger language plpgsql as $$
      begin raise exception 'could not extend file' using errcode = '53100'; end $$;
      create trigger test_disk_full before insert on ledger_entries for each row execute function test_disk_full();`);
    integrator.start({ pollMs: 10 });
    try {
      for (let i = 0; i < 3; i++) await appendTestEntry(t.db, { type: "test.waiting", actor: null });
      await vi.waitFor(() => expect(logged.join("\n")).toContain("could not extend file"), {
        timeout: 20_000,
      });

      const lag = await integrationLag(t.db);
      expect(lag.pending).toBe(3);
      expect(lag.quarantined).toBe(0);
      expect(lag.lagSeconds).toBeGreaterThan(0);
      expect(lagAlarm(lag, 0)).toContain("3 entries waiting");

      // The reviewers' alarm: a critical finding, at the threshold they set.
      await t.sql`insert into detector_settings (detector, enabled, thresholds)
                  values ('ledger_integration', true, '{"maxLagSeconds": 0}')`;
      await runDetectors(t.db, { orgTimeZone: "UTC", only: ["ledger_integration"] });
      const findings = await t.sql<{ severity: string; title: string; explanation: string }[]>`
        select severity::text, title, explanation from findings where detector = 'ledger_integration'`;
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        severity: "critical",
        title: "The audit ledger is not keeping up",
      });

      const compliance = await callerFor(t.db, "carla.nguyen@casefile.demo");
      const dashboard = await compliance.compliance.dashboard({
        from: new Date(Date.now() - 86_400_000),
        to: new Date(Date.now() + 86_400_000),
      });
      expect(dashboard.ledger.integration.pending).toBeGreaterThanOrEqual(3);
      expect(dashboard.ledger.integration.quarantined).toBe(0);
    } finally {
      await t.owner.sql.unsafe(
        `drop trigger test_disk_full on ledger_entries; drop function test_disk_full();`,
      );
    }
    await vi.waitFor(async () => expect((await integrationLag(t.db)).pending).toBe(0), { timeout: 20_000 });
    await integrator.stop();
    const after = await integrationLag(t.db);
    expect(after.quarantined).toBe(0);
    expect(lagAlarm(after, 0)).toBeNull();
  });
});
