/**
 * Entry format versions: a log that holds version 1 entries (written before `caseKey`, with the
 * case key in `caseId`) and version 2 entries verifies online and offline, and every reader shows
 * both with their case.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { loadSessionUser } from "../auth/sessions";
import { generateReport } from "../reports/generate";
import { toOcsf } from "../siem/ocsf";
import { callerFor, sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { failure } from "../testing/failure";
import { type EvidenceBundle, verifyEvidenceBundle } from "./bundle";
import { canonicalize } from "./canonical";
import { exportLedger, verifyExport } from "./export";
import { appendSigned, TEST_ORIGIN, testIntegrator } from "./testing";
import { verifyStoredLedger } from "./verify-db";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const ledger = await testIntegrator(t.ledger.db);
const key = ledger.signer.verifierKey;
const lead = await callerFor(t.db, "ines.ortega@casefile.demo");
const compliance = await callerFor(t.db, "carla.nguyen@casefile.demo");
const admin = await callerFor(t.db, "sam.okafor@casefile.demo"); // not a member of the case
const carla = await loadSessionUser(t.db, await sessionFor(t.db, "carla.nguyen@casefile.demo"));
if (!carla) throw new Error("no session");

const { id: caseId, key: caseKey } = await lead.cases.create({
  title: "Versions case",
  summary: "Holds entries of both formats.",
  severity: 2,
  tlp: "amber",
});
await lead.cases.notes.add({ caseId, body: "Written as version 2." });

// A version 1 entry, exactly as the previous format wrote it into the inbox: `caseId` holds the key.
const [ines] = await t.owner.sql<{ id: string; name: string }[]>`
  select id::text, name from users where email = 'ines.ortega@casefile.demo'`;
const v1Id = randomUUID();
const v1Body = canonicalize({
  v: 1,
  id: v1Id,
  type: "note.added",
  actor: { id: ines?.id ?? "", name: ines?.name ?? "" },
  at: new Date().toISOString().replace("Z", "000Z"),
  caseId: caseKey,
  subjects: [randomUUID()],
  payload: { commitments: {} },
  request: { id: "req-v1", ip: "198.51.100.7", userAgent: "test" },
});
await t.sql`insert into ledger_inbox (entry_id, body) values (${v1Id}, ${v1Body})`;
await lead.cases.notes.add({ caseId, body: "Written as version 2, after a version 1 entry." });
await appendSigned(t.db, ledger.integrator, 2);

const [v1Row] = await t.owner.sql<{ seq: number; case_key: string | null }[]>`
  select seq::int as seq, case_key from ledger_entries where entry_id = ${v1Id}`;
const v1Seq = v1Row?.seq ?? -1;
const caseRows = await t.owner.sql<{ seq: number; body: string }[]>`
  select seq::int as seq, body from ledger_entries where case_key = ${caseKey} order by seq`;

describe("entry format versions in one log", () => {
  it("writes new entries as version 2 with caseKey, and indexes version 1 entries by their caseId", () => {
    expect(v1Row?.case_key).toBe(caseKey);
    const v2 = caseRows
      .filter((r) => r.seq !== v1Seq)
      .map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(v2.length).toBeGreaterThanOrEqual(3); // case.created, note.added twice
    for (const body of v2) {
      expect(body).toMatchObject({ v: 2, caseKey });
      expect(body).not.toHaveProperty("caseId");
    }
    expect(caseRows.map((r) => r.seq)).toContain(v1Seq);
  });

  it("verifies online: the stored log with both versions is intact", async () => {
    const run = verifyStoredLedger(t.db, {
      verifier: ledger.verifier,
      origin: TEST_ORIGIN,
      outsideNotes: [],
    });
    let step = await run.next();
    while (!step.done) step = await run.next();
    expect(step.value).toMatchObject({ ok: true, problems: [], firstBadSeq: null });
    expect(step.value.entries).toBeGreaterThan(v1Seq);
  });

  it("verifies offline: an export, and the case's evidence bundle carrying both versions", async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), "casefile-versions-")), "ledger.export");
    await exportLedger(t.db, file, { origin: TEST_ORIGIN, verifierKey: key, outsideNotes: [] });
    expect(await verifyExport(file, { trustedKey: key })).toMatchObject({ ok: true, problems: [] });

    const report = await generateReport(t.db, carla, {
      report: "evidence-bundle.json",
      scope: { case: caseKey },
      ledger: { origin: TEST_ORIGIN, verifierKey: key },
    });
    const text = report.body.toString("utf8");
    const bundle = JSON.parse(text) as EvidenceBundle;
    // The version 1 entry is in the case's scope by its caseId, the others by their caseKey.
    expect(bundle.entries.map((e) => e.seq)).toEqual(caseRows.map((r) => r.seq));
    expect(verifyEvidenceBundle(text, key)).toMatchObject({ ok: true, problems: [] });
  });

  it("shows both in the explorer with their case key and the event's name, to compliance", async () => {
    const listed = (await compliance.ledger.entries({ caseKey, limit: 200 })).entries;
    expect(listed.map((e) => e.seq).sort((a, b) => a - b)).toEqual(caseRows.map((r) => r.seq));
    expect(listed.every((e) => e.caseKey === caseKey)).toBe(true);
    expect(listed.find((e) => e.seq === v1Seq)).toMatchObject({ type: "note.added", label: "Note added" });
    expect(await compliance.ledger.entry({ seq: v1Seq })).toMatchObject({
      version: 1,
      caseKey,
      type: "note.added",
      label: "Note added",
    });
    const newest = caseRows.at(-1)?.seq ?? -1;
    expect(await compliance.ledger.entry({ seq: newest })).toMatchObject({ version: 2, caseKey });
    expect((await compliance.ledger.types()).find((x) => x.type === "case.created")?.label).toBe(
      "Case opened",
    );
  });

  it("keeps both need-to-know: an admin who is not a member sees neither", async () => {
    expect((await admin.ledger.entries({ caseKey })).entries).toEqual([]);
    const all = (await admin.ledger.entries({ limit: 200 })).entries;
    expect(all.filter((e) => e.caseKey === caseKey || e.seq === v1Seq)).toEqual([]);
    expect((await failure(admin.ledger.entry({ seq: v1Seq }))).code).toBe("NOT_FOUND");
    expect((await failure(admin.ledger.inclusionProof({ seq: v1Seq }))).code).toBe("NOT_FOUND");
  });

  it("maps both to the SIEM with the case as a resource and case payloads reduced", () => {
    for (const row of caseRows) {
      const event = toOcsf(row.seq, row.body, TEST_ORIGIN);
      expect(event.resources).toContainEqual({ uid: caseKey, type: "case" });
      expect(event.unmapped.case_id).toBe(caseKey);
      expect(event.unmapped.entry_version).toBe(row.seq === v1Seq ? 1 : 2);
    }
    const v1 = toOcsf(v1Seq, v1Body, TEST_ORIGIN);
    expect(v1).toMatchObject({ activity_id: 1, status: "Success", api: { request: { uid: "req-v1" } } });
  });
});
