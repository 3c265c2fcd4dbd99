/**
 * Case content is need-to-know, and the ledger is forever: content enters it only as salted
 * commitments, members and compliance can prove a text against its entry, the explorer shows
 * a case's entries only to compliance and the case's members, and the SIEM export carries no
 * case text. Probed through tRPC callers of real seeded users.
 */
import { createHash } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { DEMO_INCIDENT } from "../demo/incident";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { seedDemoHistory } from "../demo/history";
import { appendTestEntry, testIntegrator } from "../ledger/testing";
import { exportSiem } from "../siem/export";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { asOwnerUnguarded } from "../testing/unguarded";
import { seedDemoCases } from "../demo/cases";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
await seedDemoCases(t.db);
await seedDemoHistory(t.db);
const ledger = await testIntegrator(t.ledger.db);

const lead = await callerFor(t.db, "ines.ortega@casefile.demo");
const outsider = await callerFor(t.db, "marcus.webb@casefile.demo"); // investigator, not a member
const compliance = await callerFor(t.db, "carla.nguyen@casefile.demo");
const admin = await callerFor(t.db, "sam.okafor@casefile.demo");

// Every piece of text below carries this marker; none may reach a ledger body or the SIEM.
const SECRET = "NIGHTJAR";
const { id: caseId, key } = await lead.cases.create({
  title: `${SECRET} case title`,
  summary: `${SECRET} summary: payroll fraud by a named employee`,
  severity: 3,
  tlp: "red",
});
const { version } = await lead.cases.get({ caseId });
await lead.cases.update({ caseId, version, title: `${SECRET} renamed`, severity: 4 });
const noteText = `${SECRET} note: jdoe admitted sharing the password with his manager`;
const { id: noteId } = await lead.cases.notes.add({ caseId, body: noteText });
const { id: entityId } = await lead.cases.entities.add({
  caseId,
  kind: "user_account",
  value: "jdoe",
  notes: `${SECRET} entity notes`,
});
await lead.cases.entities.update({ caseId, entityId, notes: `${SECRET} entity notes, revised` });
const { id: eventId } = await lead.cases.timeline.add({
  caseId,
  occurredAt: new Date("2026-11-19T23:05:00Z"),
  title: `${SECRET} event title`,
  description: `${SECRET} event description`,
  entities: [{ entityId, relation: "actor" }],
});
await lead.cases.timeline.star({ caseId, eventId, starred: true });
await lead.cases.timeline.import({
  caseId,
  format: "csv",
  content: `occurred_at,title,description\n2026-11-20T10:00:00Z,${SECRET} imported,${SECRET} imported description\n`,
  fileName: `${SECRET}-export.csv`,
});
const { id: evidenceId } = await lead.cases.evidence.register({
  caseId,
  name: `${SECRET}-hr-interview.pdf`,
  sha256: "c".repeat(64),
  sizeBytes: 2048,
  source: `${SECRET} HR system`,
  description: `${SECRET} interview transcript`,
  acquiredAt: new Date("2026-11-20T08:00:00Z"),
});
await lead.cases.evidence.custody({ caseId, evidenceId, action: "accessed", note: `${SECRET} custody note` });
await ledger.integrator.drain();

/** Every ledger body, integrated or still in the inbox, read as the schema owner. */
async function allBodies(): Promise<string[]> {
  const rows = await t.owner.sql<{ body: string }[]>`
    select body from ledger_entries union all select body from ledger_inbox`;
  return rows.map((r) => r.body);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "OK",
    (e: unknown) => (e instanceof TRPCError ? e.code : `not a TRPCError: ${String(e)}`),
  );
}

const seqOf = async (type: string) =>
  (
    await t.owner.sql<{ seq: number }[]>`
    select seq::int as seq from ledger_entries where case_key = ${key} and type = ${type} order by seq desc limit 1`
  )[0]?.seq ?? -1;

describe("case content in the ledger", () => {
  it("never writes a note's, event's, entity's, evidence's or the case's text into any ledger body", async () => {
    const bodies = await allBodies();
    expect(bodies.filter((b) => b.includes(key)).length).toBeGreaterThanOrEqual(10);
    expect(bodies.filter((b) => b.includes(SECRET))).toEqual([]);
    // Nor a word of the demo incident's text, though its case was seeded through the same services.
    const demoTexts = [
      DEMO_INCIDENT.title,
      ...DEMO_INCIDENT.notes.map((n) => n.body.slice(0, 40)),
      ...DEMO_INCIDENT.events.map((e) => e.title),
      ...DEMO_INCIDENT.evidence.map((e) => e.name),
    ];
    expect(
      demoTexts.filter((text) => bodies.some((b) => b.includes(JSON.stringify(text).slice(1, -1)))),
    ).toEqual([]);
    expect(bodies.filter((b) => b.includes("Invoice phishing"))).toEqual([]);
  });

  it("commits each record under a salt stored beside it: recomputable offline, failing for other text", async () => {
    const [match] = await lead.cases.ledgerMatch({ caseId, kind: "note", ids: [noteId] });
    expect(match).toMatchObject({ id: noteId, status: "matches" });
    const salt = Buffer.from(match?.salt ?? "", "hex");
    expect(salt).toHaveLength(32);
    const recompute = (body: string) =>
      createHash("sha256")
        .update(Buffer.concat([salt, Buffer.from(JSON.stringify({ body }), "utf8")]))
        .digest("hex");
    expect(recompute(noteText)).toBe(match?.commitment);
    expect(recompute(`${noteText}.`)).not.toBe(match?.commitment);
    // The commitment sits in the entry the explorer shows for that sequence number.
    const entry = await compliance.ledger.entry({ seq: match?.seq ?? -1 });
    expect(JSON.parse(entry.body)).toMatchObject({
      type: "note.added",
      subjects: [noteId],
      payload: { commitments: { [noteId]: match?.commitment } },
    });
  });

  it("says 'matches' for every kind of record, with the latest commitment after an edit", async () => {
    const custody = await t.owner.sql<{ id: string }[]>`
      select id from custody_events where evidence_id = ${evidenceId} and action = 'accessed'`;
    const imported = (await lead.cases.timeline.list({ caseId, source: "import" })).events.map((e) => e.id);
    expect([custody.length, imported.length]).toEqual([1, 1]);
    const checks: { kind: "case" | "event" | "entity" | "evidence" | "custody"; ids: string[] }[] = [
      { kind: "case", ids: [caseId] },
      { kind: "event", ids: [eventId, ...imported] },
      { kind: "entity", ids: [entityId] },
      { kind: "evidence", ids: [evidenceId] },
      { kind: "custody", ids: custody.map((c) => c.id) },
    ];
    for (const check of checks) {
      const result = await lead.cases.ledgerMatch({ caseId, ...check });
      expect(result.map((r) => [check.kind, r.status])).toEqual(check.ids.map(() => [check.kind, "matches"]));
    }
    const [caseMatch] = await lead.cases.ledgerMatch({ caseId, kind: "case", ids: [caseId] });
    expect(caseMatch?.seq).toBe(await seqOf("case.updated"));
  });

  it("says 'differs' when the stored text no longer matches its entry, and 'not_recorded' without one", async () => {
    const { id: other } = await lead.cases.notes.add({ caseId, body: "to be forged" });
    await ledger.integrator.drain();
    await t.owner.sql`update notes set body = 'forged afterwards' where id = ${other}`;
    const [{ id: legacy } = { id: "" }] = await t.owner.sql<{ id: string }[]>`
      insert into notes (case_id, author_id, body)
      select ${caseId}, created_by, 'written before commitments' from cases where id = ${caseId} returning id`;
    const result = await lead.cases.ledgerMatch({ caseId, kind: "note", ids: [noteId, other, legacy] });
    expect(Object.fromEntries(result.map((r) => [r.id, r.status]))).toEqual({
      [noteId]: "matches",
      [other]: "differs",
      [legacy]: "not_recorded",
    });
    // A row written without the app's salt (as rows before commitments were) has its own 32 bytes.
    const salts = result.map((r) => r.salt);
    expect(salts.every((salt) => /^[0-9a-f]{64}$/.test(salt))).toBe(true);
    expect(new Set(salts).size).toBe(3);
  });

  it("refuses text no column can hold (a lone surrogate) at the edge, naming the field", async () => {
    const refused = await lead.cases.notes
      .add({ caseId, body: "half a pair: \ud83d end" })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "BAD_REQUEST" });
  });

  it("answers members and compliance only, and never about another case's records", async () => {
    expect(await codeOf(outsider.cases.ledgerMatch({ caseId, kind: "note", ids: [noteId] }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(admin.cases.ledgerMatch({ caseId, kind: "note", ids: [noteId] }))).toBe("NOT_FOUND");
    expect(await compliance.cases.ledgerMatch({ caseId, kind: "note", ids: [noteId] })).toMatchObject([
      { status: "matches" },
    ]);
    const { id: otherCase } = await lead.cases.create({
      title: "Another case",
      summary: "",
      severity: 1,
      tlp: "green",
    });
    expect(await lead.cases.ledgerMatch({ caseId: otherCase, kind: "note", ids: [noteId] })).toEqual([]);
  });

  it("names the field of a bad request", async () => {
    const error = await lead.cases
      .ledgerMatch({ caseId, kind: "note", ids: ["not-a-uuid"] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect(JSON.stringify((error as TRPCError).cause)).toContain("ids");
  });
});

describe("the ledger explorer keeps case entries need-to-know", () => {
  it("shows an admin who is not a member the sign-in and admin entries, and no entry of the case", async () => {
    const listed = await admin.ledger.entries({ limit: 200 });
    expect(listed.entries.some((e) => e.caseKey === null)).toBe(true);
    expect(listed.entries.filter((e) => e.caseKey === key)).toEqual([]);
    expect((await admin.ledger.entries({ caseKey: key })).entries).toEqual([]);
    const seq = await seqOf("note.added");
    expect(await codeOf(admin.ledger.entry({ seq }))).toBe("NOT_FOUND");
    expect(await codeOf(admin.ledger.inclusionProof({ seq }))).toBe("NOT_FOUND");
    const authSeq = listed.entries.find((e) => e.caseKey === null)?.seq ?? -1;
    expect(await codeOf(admin.ledger.entry({ seq: authSeq }))).toBe("OK");
  });

  it("shows the case's entries, payloads included, to compliance and to an admin who is a member", async () => {
    const seq = await seqOf("note.added");
    expect((await compliance.ledger.entries({ caseKey: key })).entries.length).toBeGreaterThanOrEqual(11);
    expect(JSON.parse((await compliance.ledger.entry({ seq })).body)).toHaveProperty("payload.commitments");
    // Admins are not investigators: the membership is written by the owner, as a fixture.
    await asOwnerUnguarded(
      t.owner.sql,
      ["case_members"],
      (sql) => sql`
        insert into case_members (case_id, user_id, access, added_by)
        select ${caseId}, u.id, 'read', c.lead_id from users u, cases c
        where u.email = 'sam.okafor@casefile.demo' and c.id = ${caseId}`,
    );
    const member = await callerFor(t.db, "sam.okafor@casefile.demo");
    expect((await member.ledger.entries({ caseKey: key })).entries.length).toBeGreaterThanOrEqual(11);
    expect(JSON.parse((await member.ledger.entry({ seq })).body)).toHaveProperty("payload.commitments");
    await asOwnerUnguarded(
      t.owner.sql,
      ["case_members"],
      (sql) => sql`
        delete from case_members where case_id = ${caseId}
          and user_id = (select id from users where email = 'sam.okafor@casefile.demo')`,
    );
    expect(await codeOf(member.ledger.entry({ seq }))).toBe("NOT_FOUND");
  });

  it("stays closed to investigators, members or not", async () => {
    expect(await codeOf(lead.ledger.entries({}))).toBe("FORBIDDEN");
    expect(await codeOf(lead.ledger.entry({ seq: 0 }))).toBe("FORBIDDEN");
  });
});

describe("the SIEM export", () => {
  it("carries ids, types, actors, outcomes and commitments of case entries, never case text", async () => {
    // What older entries and approval records hold stays in the ledger, out of the export.
    await appendTestEntry(t.db, {
      type: "note.added",
      actor: { id: "6f1c1f43-0000-4000-8000-000000000001", name: "Ines Ortega" },
      caseKey: key,
      subjects: [noteId],
      payload: { length: 30, excerpt: `${SECRET} written by an older version` },
    });
    await appendTestEntry(t.db, {
      type: "request.created",
      actor: { id: "6f1c1f43-0000-4000-8000-000000000001", name: "Ines Ortega" },
      caseKey: key,
      subjects: [],
      payload: {
        actionKey: "logs.query",
        riskTier: 2,
        justification: `${SECRET} justification`,
        params: { subject: `${SECRET}-host` },
        description: `${SECRET} description`,
        paramsHash: "d".repeat(64),
      },
    });
    await ledger.integrator.drain();
    const lines: string[] = [];
    await exportSiem(t.db, {
      since: 0,
      logName: "test",
      sink: {
        write: (batch) => {
          lines.push(...batch);
          return Promise.resolve();
        },
        close: () => Promise.resolve(),
      },
    });
    const caseLines = lines.filter((l) => l.includes(`"${key}"`));
    expect(caseLines.length).toBeGreaterThanOrEqual(13);
    expect(lines.filter((l) => l.includes(SECRET))).toEqual([]);
    expect(lines.filter((l) => l.includes("Invoice phishing") || l.includes(DEMO_INCIDENT.title))).toEqual(
      [],
    );
    const events = caseLines.map(
      (l) =>
        JSON.parse(l) as {
          activity_name: string;
          actor: { user: { name: string | null } };
          unmapped: { payload: Record<string, unknown> };
        },
    );
    const note = events.find((e) => e.activity_name === "note.added");
    expect(note?.actor.user.name).toBe("Ines Ortega");
    expect(Object.keys(note?.unmapped.payload.commitments ?? {})).toEqual([noteId]);
    expect(events.find((e) => e.activity_name === "request.created")?.unmapped.payload).toEqual({
      actionKey: "logs.query",
      riskTier: 2,
      paramsHash: "d".repeat(64),
    });
  });
});
