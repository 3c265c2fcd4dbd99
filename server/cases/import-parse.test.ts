import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { IMPORT_LIMITS, parseTimelineImport } from "./import-parse";

function wholeFileError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "BAD_REQUEST", field: "content" });
    return (error as Error).message;
  }
  throw new Error("expected the whole file to be refused");
}

describe("CSV timeline import", () => {
  it("keeps good rows, reports bad ones by the line they start on", () => {
    const csv = [
      "\uFEFFOccurred_At , Title,Description,Starred,Entities,Source_Id",
      '2026-11-20T10:00:00Z,"Login, then MFA prompt","spans\ntwo lines",yes,actor:user_account:JDoe@Corp.example,a1',
      "2026-11-20T10:05:00+01:00,Second,,no,target:ip:2001:DB8::1;target:ip:2001:db8:0:0::1,a2",
      "2026-02-30T10:00:00Z,No such day,,,,a3",
      "2026-11-20T10:10:00Z,Bad kind,,,actor:printer:hp1,a4",
      "2026-11-20T10:15:00Z,Too few columns",
      '2026-11-20T10:20:00Z,"She said ""hi""",,maybe,,a6',
      "",
      "2026-11-20T10:25:00Z,Missing entity part,,,actor:host,a7",
    ].join("\n");
    const { rows, problems } = parseTimelineImport("csv", csv);
    expect(rows.map((r) => [r.line, r.title, r.starred])).toEqual([
      [2, "Login, then MFA prompt", true],
      [4, "Second", false],
    ]);
    expect(rows[0]?.description).toBe("spans\ntwo lines");
    expect(rows[0]?.entities).toEqual([
      { relation: "actor", kind: "user_account", value: "jdoe@corp.example" },
    ]);
    expect(rows[1]?.entities).toEqual([{ relation: "target", kind: "ip", value: "2001:db8::1" }]);
    expect(rows[1]?.occurredAt.toISOString()).toBe("2026-11-20T09:05:00.000Z");
    expect(rows[0]?.raw).toMatchObject({ source_id: "a1" });
    expect(problems).toEqual([
      { line: 5, reason: 'occurred_at: no such date ("2026-02-30T10:00:00Z")' },
      { line: 6, reason: 'entities: unknown kind "printer"' },
      { line: 7, reason: "has 2 columns, the header has 6" },
      { line: 8, reason: 'starred: "maybe" is not true or false' },
      { line: 10, reason: 'entities: "actor:host" needs relation:kind:value' },
    ]);
  });

  it("refuses a time without a zone, a bad technique and an over-long title", () => {
    const csv = [
      "occurred_at,title,attack_technique",
      "2026-11-20 10:00,Local time,",
      "2026-11-20T10:00:00Z,Bad technique,T99",
      `2026-11-20T10:00:00Z,${"x".repeat(301)},`,
      "2026-11-20T10:00:00Z,Good,t1110.004",
    ].join("\n");
    const { rows, problems } = parseTimelineImport("csv", csv);
    expect(rows.map((r) => r.attackTechnique)).toEqual(["T1110.004"]);
    expect(problems.map((p) => p.reason)).toEqual([
      'occurred_at: not a date and time with a time zone ("2026-11-20 10:00")',
      'attack_technique: "T99" is not an ATT&CK technique id like T1110 or T1110.004',
      "title: longer than 300 characters",
    ]);
  });

  it("refuses files without the required columns, empty files and oversized files as a whole", () => {
    expect(wholeFileError(() => parseTimelineImport("csv", "when,what\n1,2\n"))).toMatch(/occurred_at/);
    expect(wholeFileError(() => parseTimelineImport("csv", "  \n"))).toMatch(/empty/);
    const big = "occurred_at,title\n" + "x".repeat(IMPORT_LIMITS.maxBytes);
    expect(wholeFileError(() => parseTimelineImport("csv", big))).toMatch(/larger than 5 MB/);
    const many = [
      "occurred_at,title",
      ...Array.from({ length: IMPORT_LIMITS.maxRows + 1 }, () => "2026-11-20T10:00:00Z,x"),
    ];
    expect(wholeFileError(() => parseTimelineImport("csv", many.join("\n")))).toMatch(/More than 5000 rows/);
  });
});

describe("JSON lines timeline import", () => {
  it("keeps good objects and reports lines that are not objects or carry bad entities", () => {
    const jsonl = [
      JSON.stringify({
        occurredAt: "2026-11-20T10:00:00Z",
        title: "DLP alert",
        starred: true,
        entities: [{ relation: "observed", kind: "host", value: "WS-SUP-017", role: "affected" }],
        raw: { alertId: 8842 },
      }),
      "{not json",
      "[1,2]",
      JSON.stringify({
        occurredAt: "2026-11-20T10:01:00Z",
        title: "Bad",
        entities: [{ relation: "owner", kind: "ip", value: "1.2.3.4" }],
      }),
      "",
      JSON.stringify({ occurredAt: "2026-11-20T10:02:00Z", title: "No raw field" }),
    ].join("\n");
    const { rows, problems } = parseTimelineImport("jsonl", jsonl);
    expect(rows.map((r) => r.line)).toEqual([1, 6]);
    expect(rows[0]).toMatchObject({
      starred: true,
      raw: { alertId: 8842 },
      entities: [{ relation: "observed", kind: "host", value: "ws-sup-017", role: "affected" }],
    });
    expect(rows[1]?.raw).toMatchObject({ title: "No raw field" });
    expect(problems).toEqual([
      { line: 2, reason: "not valid JSON" },
      { line: 3, reason: "not a JSON object" },
      { line: 4, reason: 'entities.0: unknown relation "owner" (use actor, target, observed)' },
    ]);
  });
});
