import { describe, expect, it } from "vitest";
import { ledgerInbox } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { failure } from "../testing/failure";
import { ACCESS_REQUEST_SENT } from "./access-requests";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const ines = await callerFor(t.db, "ines.ortega@casefile.demo"); // lead
const marcus = await callerFor(t.db, "marcus.webb@casefile.demo"); // investigator, not a member
const c = await ines.cases.create({ title: "Access requests", summary: "", severity: 2, tlp: "amber" });
const reason = "Handing over the night shift, I need the timeline.";

describe("asking a case lead for access", () => {
  it("answers alike for a hidden case and a missing one, and only the real ask is stored", async () => {
    expect((await failure(marcus.cases.byKey({ key: c.key }))).code).toBe("NOT_FOUND");
    const [hidden, missing] = await Promise.all([
      marcus.cases.requestAccess({ key: c.key, reason }),
      marcus.cases.requestAccess({ key: "CASE-2026-9999", reason }),
    ]);
    expect(hidden).toEqual({ message: ACCESS_REQUEST_SENT });
    expect(missing).toEqual(hidden);
    // Asking twice while the first is open changes nothing.
    await marcus.cases.requestAccess({ key: c.key, reason });
    const open = await ines.cases.accessRequests.list({ caseId: c.id });
    expect(open).toMatchObject([{ requesterName: "Marcus Webb", reason }]);
    const entries = await t.ledger.db.select().from(ledgerInbox);
    expect(
      entries
        .map((e) => JSON.parse(e.body) as { type: string; caseKey: string })
        .filter((b) => b.type === "case.access_requested" && b.caseKey === c.key),
    ).toHaveLength(1);
  });

  it("lets the lead grant read access, which opens the case at once", async () => {
    const [open] = await ines.cases.accessRequests.list({ caseId: c.id });
    await ines.cases.accessRequests.answer({ caseId: c.id, requestId: open?.id ?? "", grant: "read" });
    expect((await marcus.cases.byKey({ key: c.key })).myAccess).toBe("read");
    expect(await ines.cases.accessRequests.list({ caseId: c.id })).toEqual([]);
    const again = await failure(
      ines.cases.accessRequests.answer({ caseId: c.id, requestId: open?.id ?? "", grant: "write" }),
    );
    expect(again.code).toBe("NOT_FOUND");
  });

  it("needs a reason, naming the field", async () => {
    const error = await failure(marcus.cases.requestAccess({ key: c.key, reason: "pls" }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/why/);
  });
});
