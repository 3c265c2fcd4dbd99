import { describe, expect, it } from "vitest";
import { seedDemo } from "@/server/demo/seed";
import { ensureActionTypes } from "../actions/types";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { failure } from "../testing/failure";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const ines = await callerFor(t.db, "ines.ortega@casefile.demo"); // investigator
const tom = await callerFor(t.db, "tom.becker@casefile.demo"); // approver, clearance 2
const marcus = await callerFor(t.db, "marcus.webb@casefile.demo"); // investigator, not on the case

const c = await ines.cases.create({ title: "Refusals", summary: "Secret summary", severity: 3, tlp: "red" });
const { id } = await ines.requests.create({
  caseId: c.id,
  actionKey: "db.session.terminate",
  params: { database: "orders", pid: 48213 },
  justification: "Backend 48213 is the attacker's live session; end it now.",
  minutes: 15,
});

describe("a shared review link the approver may not open", () => {
  it("says what is missing and who can decide, and nothing of the case", async () => {
    // The review itself stays hidden, as before.
    expect((await failure(tom.requests.review({ requestId: id }))).code).toBe("NOT_FOUND");
    const refusal = await tom.requests.refusal({ requestId: id });
    expect(refusal).toEqual({
      actionTitle: "Terminate a database session",
      reason: "Approvers need clearance ≥ 3 (yours is 2)",
      whoCanDecide: expect.arrayContaining(["Priya Raman"]) as string[],
    });
    expect(refusal?.whoCanDecide).not.toContain("Tom Becker");
    expect(JSON.stringify(refusal)).not.toMatch(/Refusals|Secret summary|48213|orders/);
  });

  it('tells people who are not approvers, and links to nothing, only "not found"', async () => {
    expect(await marcus.requests.refusal({ requestId: id })).toBeNull();
    expect(await tom.requests.refusal({ requestId: "00000000-0000-4000-8000-000000000000" })).toBeNull();
  });
});
