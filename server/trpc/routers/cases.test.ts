import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { seedDemo } from "../../demo/seed";
import { callerFor } from "../../testing/callers";
import { testDatabase } from "../../testing/db";
import { appRouter } from "./_app";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");

const LEAD = "ines.ortega@casefile.demo";
const READER = "marcus.webb@casefile.demo"; // added read-only below
const COMPLIANCE = "carla.nguyen@casefile.demo";
const OUTSIDER = "tom.becker@casefile.demo"; // approver, not a member
const ADMIN = "sam.okafor@casefile.demo";

const lead = await callerFor(t.db, LEAD);
const reader = await callerFor(t.db, READER);
const compliance = await callerFor(t.db, COMPLIANCE);
const outsider = await callerFor(t.db, OUTSIDER);
const admin = await callerFor(t.db, ADMIN);

const { id: caseId, key } = await lead.cases.create({
  title: "Credential stuffing against the support portal",
  summary: "Many failed logins, then one success from a botnet address.",
  severity: 4,
  tlp: "amber",
});
const marcusId = (await lead.cases.members.candidates({ caseId })).find((u) => u.email === READER)?.id ?? "";
await lead.cases.members.add({ caseId, userId: marcusId, access: "read" });
const { id: entityId } = await lead.cases.entities.add({ caseId, kind: "ip", value: "203.0.113.47" });
const { id: eventId } = await lead.cases.timeline.add({
  caseId,
  occurredAt: new Date("2026-11-19T23:05:00Z"),
  title: "Successful login from 203.0.113.47",
  entities: [{ entityId, relation: "actor" }],
});
const { id: evidenceId } = await lead.cases.evidence.register({
  caseId,
  name: "auth-logs.csv",
  sha256: "a".repeat(64),
  sizeBytes: 1234,
  source: "IdP export",
  acquiredAt: new Date("2026-11-20T08:00:00Z"),
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "OK",
    (e: unknown) => (e instanceof TRPCError ? e.code : `not a TRPCError: ${String(e)}`),
  );
}

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error("expected the call to fail with a TRPCError");
  return error;
}

async function ledgerTypes(caseKey: string): Promise<string[]> {
  const rows = await t.ledger.sql<{ type: string }[]>`
    select body::jsonb ->> 'type' as type from ledger_inbox where body::jsonb ->> 'caseKey' = ${caseKey} order by id`;
  return rows.map((r) => r.type);
}

type Caller = typeof lead;
/** Every case-scoped procedure with a valid input; `write` marks the ones that change the case. */
const CASE_PROCEDURES: Record<string, { write: boolean; call: (c: Caller) => Promise<unknown> }> = {
  "cases.get": { write: false, call: (c) => c.cases.get({ caseId }) },
  "cases.update": { write: true, call: (c) => c.cases.update({ caseId, version: 1, title: "Renamed case" }) },
  "cases.setStatus": {
    write: true,
    call: (c) => c.cases.setStatus({ caseId, version: 1, status: "triage" }),
  },
  "cases.members.list": { write: false, call: (c) => c.cases.members.list({ caseId }) },
  "cases.members.candidates": { write: true, call: (c) => c.cases.members.candidates({ caseId }) },
  "cases.members.add": {
    write: true,
    call: (c) => c.cases.members.add({ caseId, userId: marcusId, access: "write" }),
  },
  "cases.members.remove": { write: true, call: (c) => c.cases.members.remove({ caseId, userId: marcusId }) },
  "cases.entities.list": { write: false, call: (c) => c.cases.entities.list({ caseId }) },
  "cases.entities.get": { write: false, call: (c) => c.cases.entities.get({ caseId, entityId }) },
  "cases.entities.add": {
    write: true,
    call: (c) => c.cases.entities.add({ caseId, kind: "host", value: "ws-sup-017" }),
  },
  "cases.entities.update": {
    write: true,
    call: (c) => c.cases.entities.update({ caseId, entityId, notes: "botnet" }),
  },
  "cases.timeline.list": { write: false, call: (c) => c.cases.timeline.list({ caseId }) },
  "cases.timeline.add": {
    write: true,
    call: (c) => c.cases.timeline.add({ caseId, occurredAt: new Date(), title: "Probe" }),
  },
  "cases.timeline.star": {
    write: true,
    call: (c) => c.cases.timeline.star({ caseId, eventId, starred: true }),
  },
  "cases.timeline.import": {
    write: true,
    call: (c) =>
      c.cases.timeline.import({
        caseId,
        format: "csv",
        content: "occurred_at,title\n2026-11-20T10:00:00Z,x\n",
      }),
  },
  "cases.notes.list": { write: false, call: (c) => c.cases.notes.list({ caseId }) },
  "cases.notes.add": { write: true, call: (c) => c.cases.notes.add({ caseId, body: "probe" }) },
  "cases.evidence.list": { write: false, call: (c) => c.cases.evidence.list({ caseId }) },
  "cases.evidence.content": { write: false, call: (c) => c.cases.evidence.content({ caseId, evidenceId }) },
  "cases.evidence.register": {
    write: true,
    call: (c) =>
      c.cases.evidence.register({
        caseId,
        name: "x",
        sha256: "b".repeat(64),
        sizeBytes: 1,
        source: "x",
        acquiredAt: new Date(),
      }),
  },
  "cases.evidence.custody": {
    write: true,
    call: (c) => c.cases.evidence.custody({ caseId, evidenceId, action: "accessed" }),
  },
  "cases.ledgerMatch": {
    write: false,
    call: (c) => c.cases.ledgerMatch({ caseId, kind: "event", ids: [eventId] }),
  },
};

describe("need-to-know access to a case", () => {
  it("declares every case-scoped procedure in the table above", () => {
    const scoped = Object.keys(appRouter._def.procedures).filter(
      (path) => path.startsWith("cases.") && !["cases.list", "cases.create", "cases.byKey"].includes(path),
    );
    expect(Object.keys(CASE_PROCEDURES).sort()).toEqual(scoped.sort());
  });

  it.each(Object.keys(CASE_PROCEDURES))("%s is NOT_FOUND for a signed-in non-member", async (path) => {
    for (const caller of [outsider, admin]) {
      expect(await codeOf(CASE_PROCEDURES[path]?.call(caller) ?? Promise.resolve())).toBe("NOT_FOUND");
    }
  });

  it.each(
    Object.entries(CASE_PROCEDURES)
      .filter(([, p]) => p.write)
      .map(([path]) => path),
  )("%s is FORBIDDEN for a read-only member and for compliance", async (path) => {
    for (const caller of [reader, compliance]) {
      expect(await codeOf(CASE_PROCEDURES[path]?.call(caller) ?? Promise.resolve())).toBe("FORBIDDEN");
    }
  });

  it.each(
    Object.entries(CASE_PROCEDURES)
      .filter(([, p]) => !p.write)
      .map(([path]) => path),
  )("%s is readable by a read-only member and by compliance", async (path) => {
    for (const caller of [reader, compliance]) {
      expect(await codeOf(CASE_PROCEDURES[path]?.call(caller) ?? Promise.resolve())).toBe("OK");
    }
  });

  it("hides the case from lists and key lookups of non-members, not of members or compliance", async () => {
    expect((await outsider.cases.list({})).map((c) => c.key)).not.toContain(key);
    expect(await codeOf(outsider.cases.byKey({ key }))).toBe("NOT_FOUND");
    expect((await reader.cases.list({})).map((c) => c.key)).toContain(key);
    expect((await compliance.cases.list({})).map((c) => c.key)).toContain(key);
    expect((await compliance.cases.byKey({ key })).myAccess).toBe("read");
  });

  it("answers a made-up case id exactly like a hidden one", async () => {
    const made = await codeOf(outsider.cases.get({ caseId: "00000000-0000-4000-8000-000000000000" }));
    expect(made).toBe("NOT_FOUND");
  });

  it("stops access when a member is removed", async () => {
    const { id: otherCase } = await lead.cases.create({ title: "Short-lived share", severity: 1 });
    await lead.cases.members.add({ caseId: otherCase, userId: marcusId, access: "write" });
    expect(await codeOf(reader.cases.get({ caseId: otherCase }))).toBe("OK");
    await lead.cases.members.remove({ caseId: otherCase, userId: marcusId });
    expect(await codeOf(reader.cases.get({ caseId: otherCase }))).toBe("NOT_FOUND");
  });

  it("only investigators open cases", async () => {
    expect(await codeOf(compliance.cases.create({ title: "Not mine to open", severity: 2 }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(admin.cases.create({ title: "Not mine to open", severity: 2 }))).toBe("FORBIDDEN");
  });
});

describe("case lifecycle", () => {
  let local: { id: string; key: string };
  beforeAll(async () => {
    local = await lead.cases.create({ title: "Lifecycle case", severity: 2 });
  });

  it("numbers cases CASE-YYYY-NNNN", () => {
    expect(local.key).toMatch(/^CASE-\d{4}-\d{4}$/);
    expect(key).toMatch(/^CASE-\d{4}-0001$/);
  });

  it("moves through the workflow, needs a resolution to close, and can reopen", async () => {
    const caseId = local.id;
    let { version } = await lead.cases.setStatus({ caseId, version: 1, status: "triage" });
    const skip = await errorOf(lead.cases.setStatus({ caseId, version, status: "contained" }));
    expect(skip.message).toMatch(/cannot move to contained/);
    const noResolution = await errorOf(lead.cases.setStatus({ caseId, version, status: "closed" }));
    expect(noResolution).toMatchObject({ code: "BAD_REQUEST", message: "Closing a case needs a resolution" });
    ({ version } = await lead.cases.setStatus({ caseId, version, status: "closed", resolution: "benign" }));
    expect(await lead.cases.get({ caseId })).toMatchObject({ status: "closed", resolution: "benign" });
    ({ version } = await lead.cases.setStatus({ caseId, version, status: "investigating" }));
    const reopened = await lead.cases.get({ caseId });
    expect(reopened).toMatchObject({ status: "investigating", resolution: null, closedAt: null, version });
  });

  it("refuses an edit based on a stale version", async () => {
    const current = await lead.cases.get({ caseId: local.id });
    await lead.cases.update({ caseId: local.id, version: current.version, severity: 3 });
    const stale = await codeOf(
      lead.cases.update({ caseId: local.id, version: current.version, title: "Lost update" }),
    );
    expect(stale).toBe("CONFLICT");
    expect((await lead.cases.get({ caseId: local.id })).title).toBe("Lifecycle case");
  });

  it("writes a ledger entry for every change", async () => {
    expect(await ledgerTypes(key)).toEqual(
      expect.arrayContaining([
        "case.created",
        "case.member_added",
        "entity.added",
        "timeline.event_added",
        "evidence.registered",
      ]),
    );
    expect(await ledgerTypes(local.key)).toEqual([
      "case.created",
      "case.status_changed",
      "case.status_changed",
      "case.status_changed",
      "case.updated",
    ]);
  });
});

describe("timeline", () => {
  let timelineCase: string;
  let hostId: string;
  beforeAll(async () => {
    ({ id: timelineCase } = await lead.cases.create({ title: "Timeline case", severity: 3 }));
    const at = (h: number) => new Date(Date.UTC(2026, 10, 20, h));
    // Recorded out of order on purpose.
    await lead.cases.timeline.add({
      caseId: timelineCase,
      occurredAt: at(12),
      title: "Exfiltration to files-drop",
    });
    await lead.cases.timeline.add({
      caseId: timelineCase,
      occurredAt: at(9),
      title: "RDP logon to workstation",
      starred: true,
      entities: [{ kind: "host", value: "WS-SUP-017", role: "affected", relation: "target" }],
    });
    await lead.cases.timeline.add({
      caseId: timelineCase,
      occurredAt: at(3),
      title: "Password spray begins",
    });
    await lead.cases.timeline.add({
      caseId: timelineCase,
      occurredAt: at(10),
      title: "PowerShell discovery on workstation",
      entities: [{ kind: "host", value: "ws-sup-017.", relation: "observed" }],
    });
    const entities = await lead.cases.entities.list({ caseId: timelineCase });
    hostId = entities.find((e) => e.value === "ws-sup-017")?.id ?? "";
  });

  it("lists events chronologically by when they happened", async () => {
    const { events } = await lead.cases.timeline.list({ caseId: timelineCase });
    expect(events.map((e) => e.title)).toEqual([
      "Password spray begins",
      "RDP logon to workstation",
      "PowerShell discovery on workstation",
      "Exfiltration to files-drop",
    ]);
  });

  it("creates an inline entity once (normalised) and tracks first and last seen", async () => {
    const entities = await lead.cases.entities.list({ caseId: timelineCase });
    expect(entities).toHaveLength(1);
    expect(entities[0]).toMatchObject({
      kind: "host",
      value: "ws-sup-017",
      role: "affected",
      events: 2,
      firstSeen: new Date(Date.UTC(2026, 10, 20, 9)),
      lastSeen: new Date(Date.UTC(2026, 10, 20, 10)),
    });
  });

  it("filters by entity, kind, starred, source, time range and text", async () => {
    const titles = async (filters: Omit<Parameters<Caller["cases"]["timeline"]["list"]>[0], "caseId">) =>
      (await lead.cases.timeline.list({ caseId: timelineCase, ...filters })).events.map((e) => e.title);
    expect(await titles({ entityId: hostId })).toEqual([
      "RDP logon to workstation",
      "PowerShell discovery on workstation",
    ]);
    expect(await titles({ entityKind: "host" })).toHaveLength(2);
    expect(await titles({ entityKind: "ip" })).toEqual([]);
    expect(await titles({ starred: true })).toEqual(["RDP logon to workstation"]);
    expect(await titles({ source: "import" })).toEqual([]);
    expect(
      await titles({ from: new Date(Date.UTC(2026, 10, 20, 9)), to: new Date(Date.UTC(2026, 10, 20, 12)) }),
    ).toEqual(["RDP logon to workstation", "PowerShell discovery on workstation"]);
    expect(await titles({ q: "powershell" })).toEqual(["PowerShell discovery on workstation"]);
    expect(await titles({ q: "spray OR exfiltration" })).toEqual([
      "Password spray begins",
      "Exfiltration to files-drop",
    ]);
  });

  it("pages with a cursor without skipping or repeating", async () => {
    const first = await lead.cases.timeline.list({ caseId: timelineCase, limit: 3 });
    expect(first.events).toHaveLength(3);
    const second = await lead.cases.timeline.list({
      caseId: timelineCase,
      limit: 3,
      cursor: first.nextCursor,
    });
    expect(second.events.map((e) => e.title)).toEqual(["Exfiltration to files-drop"]);
    expect(second.nextCursor).toBeNull();
  });

  it("refuses an entity of another case and writes nothing", async () => {
    const before = (await lead.cases.timeline.list({ caseId: timelineCase })).events.length;
    const error = await errorOf(
      lead.cases.timeline.add({
        caseId: timelineCase,
        occurredAt: new Date(),
        title: "Cross-case link",
        entities: [{ entityId, relation: "actor" }],
      }),
    );
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect((await lead.cases.timeline.list({ caseId: timelineCase })).events).toHaveLength(before);
  });

  it("names the field of a bad inline entity and writes nothing", async () => {
    const error = await errorOf(
      lead.cases.timeline.add({
        caseId: timelineCase,
        occurredAt: new Date(),
        title: "Bad address",
        entities: [{ kind: "ip", value: "999.1.1.1", relation: "actor" }],
      }),
    );
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect(error.cause).toMatchObject({ field: "entities.0.value" });
    expect(await lead.cases.entities.list({ caseId: timelineCase })).toHaveLength(1);
  });

  it("imports the good rows of a CSV, reports the bad ones by line, and records the import", async () => {
    const csv = [
      "occurred_at,title,category,attack_technique,entities",
      "2026-11-20T13:00:00Z,Upload to files-drop.example,exfiltration,T1567.002,actor:ip:203.0.113.47;target:domain:files-drop.example",
      "2026-11-20 13:05,No time zone,,,",
      "2026-11-20T13:10:00Z,,,,",
      '2026-11-20T13:15:00Z,"DLP alert, 4,812 records",detection,,observed:host:ws-sup-017',
      "2026-11-20T13:20:00Z,Bad technique,,T99,",
    ].join("\n");
    const result = await lead.cases.timeline.import({
      caseId: timelineCase,
      format: "csv",
      content: csv,
      fileName: "edr.csv",
    });
    expect(result.imported).toBe(2);
    expect(result.problems.map((p) => p.line)).toEqual([3, 4, 6]);
    const imported = await lead.cases.timeline.list({ caseId: timelineCase, source: "import" });
    expect(imported.events.map((e) => e.title)).toEqual([
      "Upload to files-drop.example",
      "DLP alert, 4,812 records",
    ]);
    expect(imported.events[0]?.entities.map((e) => `${e.relation}:${e.kind}:${e.value}`).sort()).toEqual([
      "actor:ip:203.0.113.47",
      "target:domain:files-drop.example",
    ]);
    const [entry] = await t.ledger.sql<{ body: string }[]>`
      select body from ledger_inbox where body::jsonb ->> 'type' = 'timeline.imported' order by id`;
    const body = JSON.parse(entry?.body ?? "{}") as { payload: { commitments: Record<string, string> } };
    expect(body).toMatchObject({ payload: { imported: 2, rejectedLines: [3, 4, 6], sha256: result.sha256 } });
    // Each imported event is committed, never written out (the file name is case text too).
    expect(Object.keys(body.payload.commitments).sort()).toEqual(imported.events.map((e) => e.id).sort());
    expect(entry?.body).not.toContain("edr.csv");
    expect(entry?.body).not.toContain("files-drop.example,");
  });

  it("rejects a whole file that is not a timeline, naming the field", async () => {
    const error = await errorOf(
      lead.cases.timeline.import({ caseId: timelineCase, format: "csv", content: "when,what\n1,2\n" }),
    );
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect(error.cause).toMatchObject({ field: "content" });
  });
});

describe("notes and evidence", () => {
  it("keeps notes as written (markdown is rendered on the page, never as HTML here)", async () => {
    await lead.cases.notes.add({ caseId, body: "<img src=x onerror=alert(1)> **bold**" });
    const notes = await lead.cases.notes.list({ caseId });
    expect(notes.at(-1)?.body).toBe("<img src=x onerror=alert(1)> **bold**");
  });

  it("records custody, including a failed verification, and never lets history change", async () => {
    expect(
      await lead.cases.evidence.custody({ caseId, evidenceId, action: "verified", sha256: "a".repeat(64) }),
    ).toEqual({
      matched: true,
    });
    expect(
      await lead.cases.evidence.custody({ caseId, evidenceId, action: "verified", sha256: "c".repeat(64) }),
    ).toEqual({
      matched: false,
    });
    const [item] = await lead.cases.evidence.list({ caseId });
    expect(item?.custody.map((c) => [c.action, c.matched])).toEqual([
      ["collected", null],
      ["verified", true],
      ["verified", false],
    ]);
    await expect(t.sql`update custody_events set note = 'rewritten'`).rejects.toThrow(
      /permission denied|append-only/,
    );
    await expect(t.owner.sql`delete from custody_events`).rejects.toThrow(/append-only/);
  });

  it("rejects a malformed hash, naming the field", async () => {
    const error = await errorOf(
      lead.cases.evidence.register({
        caseId,
        name: "x",
        sha256: "xyz",
        sizeBytes: 1,
        source: "x",
        acquiredAt: new Date(),
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.cause).toBeInstanceOf(ZodError);
    expect((error.cause as ZodError).issues.map((i) => i.path.join("."))).toEqual(["sha256"]);
  });
});
