import { describe, expect, it } from "vitest";
import { toCsv } from "./actions/logs-query";
import { writeCsv } from "./csv";

describe("the CSV writer", () => {
  it("defuses formula-looking text by default, in any column, and quotes per RFC 4180", () => {
    const csv = writeCsv([
      ["note", "n"],
      ['=HYPERLINK("http://x")', 1],
      ["+1", -2],
      ["\uFF1Dsum(A1)", true],
      ["a,b", null],
    ]);
    expect(csv).toBe('note,n\n"\'=HYPERLINK(""http://x"")",1\n\'+1,-2\n\'\uFF1Dsum(A1),true\n"a,b",\n');
  });

  it("writes CRLF line ends when asked and times as UTC ISO 8601", () => {
    expect(writeCsv([["at"], [new Date("2026-01-02T03:04:05Z")]], { lineEnd: "\r\n" })).toBe(
      "at\r\n2026-01-02T03:04:05.000Z\r\n",
    );
  });

  it("keeps text byte-exact in raw mode, as the canonical evidence CSV needs", () => {
    const rows = [["=cmd|' /C calc'!A0", "-1", 'say "hi"\nbye', null, 3, false]];
    const expected = `c1,c2,c3,c4,c5,c6\n=cmd|' /C calc'!A0,-1,"say ""hi""\nbye",,3,false\n`;
    expect(writeCsv([["c1", "c2", "c3", "c4", "c5", "c6"], ...rows], { formulas: "raw" })).toBe(expected);
    expect(toCsv(["c1", "c2", "c3", "c4", "c5", "c6"], rows)).toBe(expected);
  });
});
