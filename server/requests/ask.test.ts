import { describe, expect, it } from "vitest";
import { callerFor } from "../testing/callers";
import { failure } from "../testing/failure";
import { enrolSecondFactor } from "../testing/second-factor";
import {
  t,
  ines,
  marcus,
  priya,
  tom,
  carla,
  caseId,
  caseKey,
  triggerId,
  logsParams,
  justification,
  fieldOf,
  ledger,
  logsRequest,
} from "../testing/requests-fixture";

describe("the catalogue", () => {
  it("offers the seeded actions with their parameter schemas and policy in words", async () => {
    const catalogue = await ines.requests.catalogue();
    expect(catalogue.map((a) => a.key)).toEqual([
      "account.disable",
      "db.role.disable",
      "db.role.enable",
      "db.session.terminate",
      "evidence.export",
      "host.isolate",
      "logs.query",
    ]);
    const logs = catalogue.find((a) => a.key === "logs.query");
    expect(logs?.paramsSchema.required).toEqual(["table", "columns", "subject", "from", "to", "rowCap"]);
    expect(logs?.policySummary).toMatch(/clearance ≥ 2/);
  });

  it("is edited by admins only, with a ledger entry naming the change", async () => {
    const admin = await callerFor(t.db, "sam.okafor@casefile.demo");
    // Admin changes need a fresh second factor.
    const refused = await failure(
      admin.admin.actionTypes.update({ key: "evidence.export", version: 1, patch: { maxUses: 2 } }),
    );
    expect([refused.code, refused.message]).toEqual([
      "PRECONDITION_FAILED",
      "Admin changes need a second factor: set one up under Your account first",
    ]);
    await enrolSecondFactor(admin, "demo-password-for-tests", { stepUp: true });
    expect(
      (
        await failure(
          ines.admin.actionTypes.update({ key: "evidence.export", version: 1, patch: { maxUses: 2 } }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    await admin.admin.actionTypes.update({ key: "evidence.export", version: 1, patch: { maxUses: 2 } });
    expect(
      (
        await failure(
          admin.admin.actionTypes.update({ key: "evidence.export", version: 1, patch: { maxUses: 4 } }),
        )
      ).code,
    ).toBe("CONFLICT");
    const [entry] = await ledger("admin.action_type.updated");
    expect(entry?.payload).toMatchObject({
      key: "evidence.export",
      changes: { maxUses: { from: 3, to: 2 } },
    });
  });
});

describe("asking", () => {
  it("names the field at fault and writes nothing", async () => {
    const before = (await ines.requests.ofCase({ caseId })).requests.length;
    const cases: [object, string][] = [
      [{ justification: "need it" }, "justification"],
      [{ params: { ...logsParams, columns: ["ts", "password"] } }, "params.columns.1"],
      [{ params: { ...logsParams, to: "2026-11-18T00:00:00Z" } }, "params.to"],
      [{ params: { ...logsParams, extra: 1 } }, "params"],
      [{ minutes: 61 }, "minutes"],
      [{ actionKey: "shell.exec" }, "actionKey"],
      [{ uses: 2 }, "uses"],
    ];
    for (const [patch, field] of cases) {
      const error = await failure(
        ines.requests.create({
          caseId,
          actionKey: "logs.query",
          params: logsParams,
          justification,
          triggerEventId: triggerId,
          minutes: 30,
          ...patch,
        }),
      );
      expect([error.code, fieldOf(error)]).toEqual(["BAD_REQUEST", field]);
    }
    const { id: otherCase } = await marcus.cases.create({
      title: "Other case",
      summary: "",
      severity: 1,
      tlp: "green",
    });
    const { id: foreignEvent } = await marcus.cases.timeline.add({
      caseId: otherCase,
      occurredAt: new Date(),
      title: "Elsewhere",
    });
    const error = await failure(
      ines.requests.create({
        caseId,
        actionKey: "logs.query",
        params: logsParams,
        justification,
        triggerEventId: foreignEvent,
        minutes: 30,
      }),
    );
    expect([error.code, fieldOf(error)]).toEqual(["BAD_REQUEST", "triggerEventId"]);
    expect((await ines.requests.ofCase({ caseId })).requests).toHaveLength(before);
  });

  it("is for the case's writers: others get NOT_FOUND, approvers FORBIDDEN-free silence", async () => {
    expect((await failure(logsRequest(tom))).code).toBe("NOT_FOUND");
    expect((await failure(logsRequest(carla))).code).toBe("FORBIDDEN");
  });

  it("writes request.created with the exact parameters and tells the approvers", async () => {
    const { id } = await logsRequest();
    const [entry] = await ledger("request.created", id);
    expect(entry?.caseKey).toBe(caseKey);
    expect(entry?.payload).toMatchObject({
      actionKey: "logs.query",
      params: logsParams,
      minutes: 30,
      justification,
    });
  });
});

describe("who sees a request", () => {
  it("routes it to eligible approvers only; everyone else sees nothing of it", async () => {
    const { id } = await ines.requests.create({
      caseId,
      actionKey: "db.session.terminate",
      params: { database: "orders", username: "j.smith" },
      justification: "The live session of j.smith is still pulling rows; end it now.",
      triggerEventId: triggerId,
      minutes: 15,
    });
    expect((await priya.requests.queue()).items.map((r) => r.id)).toContain(id);
    // Tom's clearance (2) is below the high tier (3); Marcus is no approver and the outsider no member.
    expect((await tom.requests.queue()).items.map((r) => r.id)).not.toContain(id);
    expect((await failure(tom.requests.review({ requestId: id }))).code).toBe("NOT_FOUND");
    const outsider = await callerFor(t.db, "second.approver@casefile.demo");
    expect((await outsider.requests.review({ requestId: id })).me.canDecide).toBe(true);
    const review = await priya.requests.review({ requestId: id });
    expect(review.policy.progress.explanation).toMatch(
      /Needs 1 approver with the approver role and clearance ≥ 3; 0 of 1 given/,
    );
    expect(review.suspects.map((s) => s.value)).toContain("j.smith");
    expect(review.window.map((e) => e.title)).toContain("j.smith exports 48,000 rows from orders");
    expect(review.request.description).toBe("Terminate the sessions of user j.smith on database orders.");
    expect(
      (
        await failure(
          tom.requests.decide({
            requestId: id,
            paramsHashSeen: review.request.paramsHash,
            decision: "approve",
          }),
        )
      ).code,
    ).toBe("NOT_FOUND");
  });
});
