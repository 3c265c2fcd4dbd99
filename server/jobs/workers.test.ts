import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { startWorkers } from "./workers";
import { appendTestEntry } from "../ledger/testing";

// The workers' signing key and checkpoint copies go to a data folder of this test's own.
process.env.CASEFILE_DATA_DIR = await mkdtemp(path.join(tmpdir(), "casefile-workers-"));

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const admin = await callerFor(t.db, "sam.okafor@casefile.demo");

describe("background workers", () => {
  it("are missed on the admin page until one runs, and sequence the ledger when one does", async () => {
    expect(await admin.admin.workers()).toMatchObject({ silent: true, lastSeenAt: null, alive: [] });

    const workers = await startWorkers({ appUrl: t.url, ledgerUrl: t.ledgerUrl, log: () => {} });
    try {
      await t.db.transaction((tx) => appendTestEntry(tx, { type: "test.event", actor: null }));
      await expect
        .poll(async () => (await t.owner.db.execute(sql`select count(*)::int as n from ledger_inbox`))[0]?.n)
        .toBe(0);
      const status = await admin.admin.workers();
      expect(status.silent).toBe(false);
      expect(status.alive).toEqual([expect.objectContaining({ pid: process.pid })]);
    } finally {
      await workers.stop();
    }

    // A worker silent for over a minute no longer counts.
    await t.owner.db.execute(sql`update worker_heartbeats set seen_at = now() - interval '2 minutes'`);
    const later = await admin.admin.workers();
    expect(later.silent).toBe(true);
    expect(later.lastSeenAt).not.toBeNull();
  });

  it("are an admin's concern only", async () => {
    const investigator = await callerFor(t.db, "ines.ortega@casefile.demo");
    await expect(investigator.admin.workers()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
