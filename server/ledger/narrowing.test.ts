import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ledgerEntries } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { narrowingChanges } from "@/components/approvals/narrowing";
import { formatUtc } from "@/components/cases/format";
import { ensureActionTypes } from "../actions/types";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { testIntegrator } from "./testing";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const ledger = await testIntegrator(t.ledger.db);
const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
const carla = await callerFor(t.db, "carla.nguyen@casefile.demo");

describe("a narrowed approval in the ledger explorer", () => {
  it("shows what was requested next to what was approved", async () => {
    const c = await ines.cases.create({ title: "Narrowing", summary: "", severity: 2, tlp: "amber" });
    const asked = {
      table: "auth_logs",
      columns: ["ts", "username", "user_agent"],
      subject: "j.smith",
      from: "2026-11-19T06:00:00Z",
      to: "2026-11-21T00:00:00Z",
      rowCap: 1000,
    };
    const { id } = await ines.requests.create({
      caseId: c.id,
      actionKey: "logs.query",
      params: asked,
      justification: "Sign-ins of j.smith around the phishing mail.",
      minutes: 30,
    });
    const { paramsHash } = (await priya.requests.review({ requestId: id })).request;
    await priya.requests.decide({
      requestId: id,
      paramsHashSeen: paramsHash,
      decision: "approve",
      params: { ...asked, columns: ["ts", "username"], from: "2026-11-20T02:00:00Z", rowCap: 200 },
      minutes: 10,
    });
    await ledger.integrator.drain();
    const [row] = await t.db
      .select({ seq: ledgerEntries.seq })
      .from(ledgerEntries)
      .where(eq(ledgerEntries.type, "request.narrowed"));
    const entry = await carla.ledger.entry({ seq: row?.seq ?? -1 });
    expect(entry.requested).toEqual({ params: asked, minutes: 30, uses: 1 });
    const body = JSON.parse(entry.body) as {
      payload: { narrowed: { params: Record<string, unknown>; minutes: number; uses: number | null } };
    };
    const changes = narrowingChanges(
      entry.requested ?? { params: {}, minutes: null, uses: null },
      { params: body.payload.narrowed.params, minutes: body.payload.narrowed.minutes, uses: null },
      formatUtc,
    );
    expect(changes).toHaveLength(4);
    expect(changes).toEqual(
      expect.arrayContaining([
        { field: "columns", text: "− user_agent" },
        { field: "from", text: "2026-11-19 06:00 UTC → 2026-11-20 02:00 UTC" },
        { field: "rowCap", text: "1000 → 200 rows" },
        { field: "duration", text: "30 min → 10 min" },
      ]),
    );
  });

  it("has nothing to compare for other entries", async () => {
    const entry = await carla.ledger.entry({ seq: 0 });
    expect(entry.requested).toBeNull();
  });
});
