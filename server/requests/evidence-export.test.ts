/**
 * Evidence export is a real action: the grant lets its grantee download the item as a
 * package, each download an `exported` custody entry tied to the grant; parameters that
 * name evidence must name the request's own case's evidence, at every step.
 */
import { createHash } from "node:crypto";
import { type TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { actionRequests, custodyEvents, evidenceContents, grants, users } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { parseVerifierKey, verifyCheckpoint } from "../ledger/checkpoint";
import { leafHash, verifyInclusion } from "../ledger/merkle";
import { testIntegrator } from "../ledger/testing";
import { approveAsSeen, callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { paramsHash } from "./params";
import { failure } from "../testing/failure";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const ledgerIntegrator = await testIntegrator(t.ledger.db);

const ines = await callerFor(t.db, "ines.ortega@casefile.demo"); // lead of case A
const marcus = await callerFor(t.db, "marcus.webb@casefile.demo"); // lead of case B; write member of A
const priya = await callerFor(t.db, "priya.raman@casefile.demo"); // approver
const tom = await callerFor(t.db, "tom.becker@casefile.demo"); // approver, member of nothing

const { id: caseA } = await ines.cases.create({
  title: "Orders exfiltration",
  summary: "",
  severity: 3,
  tlp: "amber",
});
const { id: caseB } = await marcus.cases.create({ title: "HR leak", summary: "", severity: 3, tlp: "red" });
const candidates = await ines.cases.members.candidates({ caseId: caseA });
const marcusId = candidates.find((u) => u.email === "marcus.webb@casefile.demo")?.id ?? "";
await ines.cases.members.add({ caseId: caseA, userId: marcusId, access: "write" });

const CSV = "ts,username,result\n2026-11-20T02:14:00Z,j.smith,success\n";
const CSV_SHA = createHash("sha256").update(CSV).digest("hex");

/** An evidence item of the case, with its bytes stored as Casefile keeps collected evidence. */
async function storedEvidence(caller: typeof ines, caseId: string, name: string) {
  const { id } = await caller.cases.evidence.register({
    caseId,
    name,
    sha256: CSV_SHA,
    sizeBytes: Buffer.byteLength(CSV),
    source: "evidence store",
    acquiredAt: new Date("2026-11-20T03:00:00Z"),
  });
  await t.db.insert(evidenceContents).values({ evidenceId: id, mediaType: "text/csv", content: CSV });
  return id;
}
const ownEvidence = await storedEvidence(ines, caseA, "auth-logs-j.smith.csv");
const foreignEvidence = await storedEvidence(marcus, caseB, "hr-salaries.csv");

const justification = "Outside counsel needs the sign-in history for the regulator's notification.";
const exportParams = (evidenceId: string) => ({ evidenceId, destination: "Outside counsel (Baker & Co)" });

const fieldOf = (error: TRPCError) => (error.cause as { field?: string } | undefined)?.field;

async function exportGrant(evidenceId: string, uses = 1) {
  const { id } = await ines.requests.create({
    caseId: caseA,
    actionKey: "evidence.export",
    params: exportParams(evidenceId),
    justification,
    minutes: 30,
    uses,
  });
  return { requestId: id, grantId: await approveAsSeen(priya, id) };
}

async function exportedEntries(evidenceId: string) {
  return t.db
    .select()
    .from(custodyEvents)
    .where(and(eq(custodyEvents.evidenceId, evidenceId), eq(custodyEvents.action, "exported")));
}

describe("parameters that name case objects", () => {
  it("refuse another case's evidence when the request is made", async () => {
    const error = await failure(
      ines.requests.create({
        caseId: caseA,
        actionKey: "evidence.export",
        params: exportParams(foreignEvidence),
        justification,
        minutes: 30,
      }),
    );
    expect([error.code, fieldOf(error)]).toEqual(["BAD_REQUEST", "params.evidenceId"]);
    expect(await t.db.select().from(actionRequests)).toHaveLength(0);
  });

  it("refuse it at decision and at execution too (a request or grant recorded before the check)", async () => {
    const [inesRow] = await t.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, "ines.ortega@casefile.demo"));
    const params = exportParams(foreignEvidence);
    const [request] = await t.db
      .insert(actionRequests)
      .values({
        caseId: caseA,
        actionKey: "evidence.export",
        params,
        paramsHash: paramsHash(params),
        justification,
        requestedMinutes: 30,
        requesterId: inesRow?.id ?? "",
        expiresAt: new Date(Date.now() + 3_600_000),
      })
      .returning();
    const refused = await failure(
      priya.requests.decide({
        requestId: request?.id ?? "",
        paramsHashSeen: paramsHash(params),
        decision: "approve",
      }),
    );
    expect([refused.code, fieldOf(refused)]).toEqual(["BAD_REQUEST", "params.evidenceId"]);
    expect((await t.db.select().from(grants)).length).toBe(0);

    const [grant] = await t.db
      .insert(grants)
      .values({
        requestId: request?.id ?? "",
        caseId: caseA,
        actionKey: "evidence.export",
        granteeId: inesRow?.id ?? "",
        scope: params,
        notBefore: new Date(Date.now() - 60_000),
        expiresAt: new Date(Date.now() + 3_600_000),
        maxUses: 1,
      })
      .returning();
    const run = await failure(ines.actions.execute({ caseId: caseA, grantId: grant?.id ?? "", params }));
    expect(run.code).toBe("FORBIDDEN");
    expect(run.message).toMatch(/evidenceId/);
    expect(await exportedEntries(foreignEvidence)).toHaveLength(0);
    const [after] = await t.db
      .select({ uses: grants.uses })
      .from(grants)
      .where(eq(grants.id, grant?.id ?? ""));
    expect(after?.uses).toBe(0);
  });

  it("show the approver the evidence item itself: name, SHA-256, size and custody so far", async () => {
    const { id } = await ines.requests.create({
      caseId: caseA,
      actionKey: "evidence.export",
      params: exportParams(ownEvidence),
      justification,
      minutes: 30,
    });
    const review = await tom.requests.review({ requestId: id });
    expect(review.caseObjects).toEqual([
      expect.objectContaining({
        field: "evidenceId",
        kind: "evidence",
        found: true,
        name: "auth-logs-j.smith.csv",
        sha256: CSV_SHA,
        sizeBytes: Buffer.byteLength(CSV),
        custody: [expect.objectContaining({ action: "collected", actorName: "Ines Ortega" })],
      }),
    ]);
    await ines.requests.cancel({ requestId: id });
  });
});

describe("evidence export", () => {
  it("can no longer be recorded by hand, through the app or the database", async () => {
    const error = await failure(
      ines.cases.evidence.custody({
        caseId: caseA,
        evidenceId: ownEvidence,
        action: "exported" as "accessed",
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    const refused = await t.db
      .insert(custodyEvents)
      .values({ evidenceId: ownEvidence, action: "exported", actorId: marcusId })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(String((refused as { cause?: unknown } | null)?.cause)).toMatch(
      /custody_events_export_needs_grant/,
    );
    expect(await exportedEntries(ownEvidence)).toHaveLength(0);
  });

  it("gives the grantee a package: the bytes, their hashes, the custody chain and ledger proofs", async () => {
    await ledgerIntegrator.integrator.drain();
    const { grantId } = await exportGrant(ownEvidence);
    const result = await ines.actions.execute({ caseId: caseA, grantId, params: exportParams(ownEvidence) });
    expect(result.status).toBe("succeeded");
    const pkg = result.package;
    if (!pkg) throw new Error("no package");
    expect(pkg.evidence).toMatchObject({ id: ownEvidence, name: "auth-logs-j.smith.csv", sha256: CSV_SHA });
    expect(pkg.evidence.content).toBe(CSV);
    expect(
      createHash("sha256")
        .update(pkg.evidence.content ?? "")
        .digest("hex"),
    ).toBe(pkg.evidence.sha256);
    expect(pkg.grant).toMatchObject({ id: grantId, destination: "Outside counsel (Baker & Co)" });
    expect(pkg.custody.map((c) => c.action)).toEqual(["collected", "exported"]);
    // The registration's custody entry was signed before the download: its proof verifies offline.
    const proved = pkg.ledger.entries.find((e) => e.proof !== null);
    if (!proved?.proof || !pkg.ledger.checkpoint) throw new Error("no proof in the package");
    const checkpoint = verifyCheckpoint(pkg.ledger.checkpoint.note, ledgerIntegrator.verifier);
    expect(
      verifyInclusion(
        leafHash(Buffer.from(proved.body, "utf8")),
        proved.seq,
        checkpoint.size,
        proved.proof.map((h) => Buffer.from(h, "hex")),
        checkpoint.root,
      ),
    ).toBe(true);
    expect(JSON.parse(proved.body)).toMatchObject({ type: "evidence.registered", subjects: [ownEvidence] });

    const [exported] = await exportedEntries(ownEvidence);
    expect(exported?.grantId).toBe(grantId);
    expect(exported?.note).toMatch(/Outside counsel/);
    const listed = await marcus.cases.evidence.list({ caseId: caseA });
    expect(listed.find((e) => e.id === ownEvidence)?.custody.map((c) => c.action)).toEqual([
      "collected",
      "exported",
    ]);
    // Used up: a second download is refused.
    const again = await failure(
      ines.actions.execute({ caseId: caseA, grantId, params: exportParams(ownEvidence) }),
    );
    expect(again.code).toBe("FORBIDDEN");
    // A verifier key that is not the ledger's does not accept the checkpoint.
    expect(() =>
      verifyCheckpoint(
        pkg.ledger.checkpoint?.note ?? "",
        parseVerifierKey("casefile.test/ledger+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
      ),
    ).toThrow();
  });

  it("lets 20 parallel downloads of a single-use grant yield exactly one package and one custody entry", async () => {
    const item = await storedEvidence(ines, caseA, "parallel.csv");
    const { grantId } = await exportGrant(item);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        ines.actions.execute({ caseId: caseA, grantId, params: exportParams(item) }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await exportedEntries(item)).toHaveLength(1);
  });

  it("is the grantee's alone: another member is refused, an outsider does not see the grant", async () => {
    const item = await storedEvidence(ines, caseA, "grantee-only.csv");
    const { grantId } = await exportGrant(item, 2);
    expect(
      (await failure(marcus.actions.execute({ caseId: caseA, grantId, params: exportParams(item) }))).code,
    ).toBe("FORBIDDEN");
    expect(
      (await failure(tom.actions.execute({ caseId: caseA, grantId, params: exportParams(item) }))).code,
    ).toBe("NOT_FOUND");
    expect(await exportedEntries(item)).toHaveLength(0);
  });
});
