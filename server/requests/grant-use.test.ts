import { type TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "@/db/client";
import { type LiveEvent, liveHub } from "../realtime/live";
import { asOwnerUnguarded } from "../testing/unguarded";
import { expireDue } from "./lifecycle";
import { failure } from "../testing/failure";
import { enrolSecondFactor } from "../testing/second-factor";
import {
  t,
  ines,
  marcus,
  priya,
  carla,
  caseId,
  triggerId,
  logsParams,
  justification,
  ledger,
  logsRequest,
  approvedLogsGrant,
} from "../testing/requests-fixture";

describe("enforcement", () => {
  it("50 concurrent runs of a single-use grant: exactly one execution and one ledger entry", async () => {
    const { grantId } = await approvedLogsGrant();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => ines.actions.execute({ caseId, grantId, params: logsParams })),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    expect(ok).toHaveLength(1);
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as TRPCError] : []));
    expect(new Set(refused.map((e) => e.message))).toEqual(
      new Set(["Refused: This single-use grant has already been used"]),
    );
    // No connector here: the built-in executor records the one use (started, then its outcome).
    expect(await ledger("action.started", grantId)).toHaveLength(1);
    expect(await ledger("action.succeeded", grantId)).toHaveLength(1);
    expect(await ledger("action.denied_attempt", grantId)).toHaveLength(49);
    const [row] = await t.sql<{ uses: number; runs: number }[]>`
      select uses, (select count(*)::int from executions where grant_id = ${grantId}) as runs from grants where id = ${grantId}`;
    expect(row).toEqual({ uses: 1, runs: 1 });
  });

  it("refuses someone other than the grantee, an expired grant (by the database clock) and a revoked one", async () => {
    const a = await approvedLogsGrant();
    expect(
      (await failure(marcus.actions.execute({ caseId, grantId: a.grantId, params: logsParams }))).message,
    ).toBe("Refused: This grant was issued to someone else");
    // The grant's window is fixed once issued: the owner moves it, triggers off, as if it had passed.
    await asOwnerUnguarded(
      t.owner.sql,
      ["grants"],
      (sql) =>
        sql`update grants set not_before = now() - interval '2 hours', expires_at = now() - interval '1 second' where id = ${a.grantId}`,
    );
    expect(
      (await failure(ines.actions.execute({ caseId, grantId: a.grantId, params: logsParams }))).message,
    ).toBe("Refused: This grant has expired");
    const b = await approvedLogsGrant();
    expect((await failure(marcus.actions.revokeGrant({ grantId: b.grantId }))).code).toBe("NOT_FOUND");
    await ines.actions.revokeGrant({ grantId: b.grantId, reason: "I'm done" });
    expect(
      (await failure(ines.actions.execute({ caseId, grantId: b.grantId, params: logsParams }))).message,
    ).toBe("Refused: This grant was revoked");
    expect(await ledger("grant.revoked", b.grantId)).toHaveLength(1);
  });

  it("a successful run lands in the timeline and the ledger", async () => {
    const { grantId } = await approvedLogsGrant();
    const result = await ines.actions.execute({ caseId, grantId, params: logsParams });
    expect(result.status).toBe("succeeded");
    const { events } = await ines.cases.timeline.list({ caseId, source: "action" });
    expect(events.some((e) => e.title === "Ran logs.query")).toBe(true);
    const [entry] = await ledger("action.started", grantId);
    expect(entry?.payload).toMatchObject({ actionKey: "logs.query", use: "1 of 1", params: logsParams });
    const [outcome] = await ledger("action.succeeded", grantId);
    expect(outcome?.payload).toMatchObject({ status: "succeeded", connector: null });
    expect(outcome?.payload.summary).toContain("Recorded only");
  });
});

describe("expiry, cancellation and break-glass", () => {
  it("expires undecided requests by the database clock", async () => {
    const { id } = await logsRequest();
    await t.owner.sql`update action_requests set expires_at = now() - interval '1 second' where id = ${id}`;
    const hash = (await priya.requests.review({ requestId: id })).request.paramsHash;
    expect(
      (await failure(priya.requests.decide({ requestId: id, paramsHashSeen: hash, decision: "approve" })))
        .message,
    ).toMatch(/expired/);
    expect((await priya.requests.queue()).items.map((r) => r.id)).not.toContain(id);
    expect(await expireDue(t.db)).toBeGreaterThanOrEqual(1);
    expect((await ines.requests.ofCase({ caseId })).requests.find((r) => r.id === id)?.status).toBe(
      "expired",
    );
    expect(await ledger("request.expired", id)).toHaveLength(1);
  });

  it("lets only the requester cancel a pending request", async () => {
    const { id } = await logsRequest();
    expect((await failure(marcus.requests.cancel({ requestId: id }))).code).toBe("NOT_FOUND");
    await ines.requests.cancel({ requestId: id, reason: "Found it in the EDR instead" });
    expect((await failure(ines.requests.cancel({ requestId: id }))).code).toBe("CONFLICT");
    expect(await ledger("request.cancelled", id)).toHaveLength(1);
  });

  it("break-glass: allowed where policy says, short, flagged, and opens a review someone else closes", async () => {
    const ask = {
      caseId,
      actionKey: "logs.query",
      params: logsParams,
      triggerEventId: triggerId,
      reason: "Active exfiltration at 03:00 and no approver answers the phone.",
    };
    expect((await failure(ines.requests.breakGlass({ ...ask, minutes: 10 }))).message).toBe(
      "Break-glass grants need a second factor: set one up under Your account first",
    );
    const { recoveryCodes } = await enrolSecondFactor(ines, "demo-password-for-tests", { stepUp: true });
    const codes = [...recoveryCodes];
    // A session that stepped up a moment ago is not enough: every break-glass brings its own code.
    expect((await failure(ines.requests.breakGlass({ ...ask, minutes: 10 }))).message).toMatch(
      /Every break-glass needs a code/,
    );
    expect(
      (await failure(ines.requests.breakGlass({ ...ask, minutes: 30, secondFactorCode: codes.shift() })))
        .message,
    ).toMatch(/At most 15 minutes/);
    expect(
      (
        await failure(
          ines.requests.breakGlass({
            ...ask,
            actionKey: "db.role.disable",
            params: { database: "orders", role: "svc_export" },
            minutes: 10,
            secondFactorCode: codes.shift(),
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    const { requestId, grantId } = await ines.requests.breakGlass({
      ...ask,
      minutes: 10,
      secondFactorCode: codes.shift(),
    });
    const row = (await ines.requests.ofCase({ caseId })).requests.find((r) => r.id === requestId);
    expect(row).toMatchObject({
      breakGlass: true,
      status: "approved",
      grant: { breakGlass: true, live: true },
    });
    const [glassEntry] = await ledger("request.break_glass", requestId);
    expect(glassEntry?.payload).toMatchObject({ secondFactor: { method: "recovery" } });
    await ines.actions.execute({ caseId, grantId, params: logsParams });
    expect(
      (await failure(ines.requests.reviewBreakGlass({ requestId, verdict: "justified", note: "fine" }))).code,
    ).toBe("FORBIDDEN");
    expect((await carla.requests.breakGlassReviews()).map((r) => r.requestId)).toContain(requestId);
    expect((await ines.requests.breakGlassReviews()).map((r) => r.requestId)).not.toContain(requestId);
    await carla.requests.reviewBreakGlass({
      requestId,
      verdict: "justified",
      note: "On-call log confirms nobody answered.",
    });
    expect(await ledger("break_glass.reviewed", requestId)).toHaveLength(1);
    expect((await carla.requests.breakGlassReviews()).map((r) => r.requestId)).not.toContain(requestId);
  });
});

describe("live updates", () => {
  const other = createDb(t.url, { max: 2 });
  afterAll(() => other.close());

  it("reach subscribers of two app instances on commit, and never for a rolled-back step", async () => {
    const seen: LiveEvent[][] = [[], []];
    const stops = await Promise.all([
      liveHub(t.db).subscribe((e) => seen[0]?.push(e)),
      liveHub(other.db).subscribe((e) => seen[1]?.push(e)),
    ]);
    await failure(
      ines.requests.create({
        caseId,
        actionKey: "logs.query",
        params: logsParams,
        justification,
        triggerEventId: triggerId,
        minutes: 999,
      }),
    );
    const { id } = await logsRequest();
    await expect.poll(() => seen.map((s) => s.filter((e) => e.requestId === id).length)).toEqual([1, 1]);
    expect(seen[1]?.find((e) => e.requestId === id)).toMatchObject({
      kind: "request.created",
      caseId,
      roles: ["approver"],
    });
    expect(seen.flat()).toHaveLength(2);
    stops.forEach((stop) => stop());
  });
});
