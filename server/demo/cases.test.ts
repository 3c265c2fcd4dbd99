import { describe, expect, it } from "vitest";
import { DEMO_INCIDENT } from "./incident";
import { seedDemo } from "./seed";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { seedDemoCases } from "./cases";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");

describe("demo incident", () => {
  it("seeds the incident through the services once, with its ledger entries", async () => {
    expect(await seedDemoCases(t.db)).toBe(true);
    expect(await seedDemoCases(t.db)).toBe(false);

    const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
    const cases = await ines.cases.list({});
    const incident = cases.find((c) => c.title === DEMO_INCIDENT.title);
    expect(incident).toMatchObject({
      severity: 4,
      status: "investigating",
      events: DEMO_INCIDENT.events.length,
    });
    expect(incident?.events).toBeGreaterThanOrEqual(58);

    const caseId = incident?.id ?? "";
    const entities = await ines.cases.entities.list({ caseId });
    expect(entities.map((e) => e.kind).sort()).toEqual(
      [
        "db_role",
        "domain",
        "file_hash",
        "host",
        "host",
        "ip",
        "ip",
        "session",
        "user_account",
        "user_account",
      ].sort(),
    );
    expect(entities.every((e) => e.events > 0)).toBe(true);
    const session = entities.find((e) => e.kind === "session");
    expect(session?.role).toBe("suspect");

    // Need-to-know in the demo: Ines is not a member of Marcus's phishing case.
    expect(cases.map((c) => c.title)).not.toContain("Invoice phishing wave against finance");
    const marcus = await callerFor(t.db, "marcus.webb@casefile.demo");
    expect((await marcus.cases.list({})).map((c) => c.status)).toContain("contained");

    const [row] = await t.ledger.sql<{ n: number }[]>`
      select count(*)::int as n from ledger_inbox where body::jsonb ->> 'type' = 'timeline.event_added'`;
    expect(row?.n).toBe(DEMO_INCIDENT.events.length + 5 + 3);
  });
});
