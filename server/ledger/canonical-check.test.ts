import { describe, expect, it } from "vitest";
import { canonicalize } from "./canonical";
import { isCanonicalJson } from "./canonical-check";

/** The slow, obviously right answer: parse and re-serialize. */
function reference(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return (
      typeof value === "object" && value !== null && !Array.isArray(value) && canonicalize(value) === text
    );
  } catch {
    return false;
  }
}

const CASES = [
  '{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
  '{"a":1, "b":2}',
  '{"b":1,"a":2}',
  '{"a":1,"a":2}',
  '{"a":1.0}',
  '{"a":1e30}',
  '{"a":1e+30}',
  '{"a":-0}',
  '{"a":0.002}',
  '{"a":2e-3}',
  '{"a":00}',
  '{"a":-5e-324}',
  '{"a":333333333.3333333}',
  '{"a":"\\u000f"}',
  '{"a":"\\u000F"}',
  '{"a":"\\u0041"}',
  '{"a":"\\n"}',
  '{"a":"\\u000a"}',
  '{"a":"\\/"}',
  '{"a":"/"}',
  '{"a":"\\ud800"}',
  '{"a":"\\ud83d\\ude00"}',
  '{"a":"😀"}',
  '{"a":"\u007f"}',
  '{"\\r":1,"1":2}',
  '{"1":2,"\\r":1}',
  '{"€":1,"דּ":2,"😀":3}',
  '{"€":1,"😀":2,"דּ":3}',
  '{"ab":1,"a":2}',
  '{"a":1,"ab":2}',
  '{"a":tru}',
  '{"a":1}x',
  '{"a":1}\n',
  "[1,2]",
  "{}",
  '{"a":[]}',
  '{"a":{}}',
  '{"a":[1,]}',
  '{"a":"x\ty"}',
  '{"a":"\\t"}',
  '{"a":"\\u0008"}',
  '{"a":"\\b"}',
  '{"a":1,}',
  '{"a"}',
  '{"a":.5}',
  '{"a":0.5}',
  '{"a":-1}',
  '{"a":+1}',
  '{"a":1E-7}',
  '{"a":1e-7}',
];

describe("isCanonicalJson", () => {
  it.each(CASES)("agrees with parse-and-serialize on %s", (text) => {
    expect(isCanonicalJson(Buffer.from(text, "utf8"))).toBe(reference(text));
  });

  it("refuses bytes that are not UTF-8", () => {
    expect(isCanonicalJson(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toBe(false);
    // an encoded lone surrogate (CESU-style) is not UTF-8 either
    expect(
      isCanonicalJson(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])),
    ).toBe(false);
  });

  it("accepts what the ledger writes", () => {
    const body = canonicalize({
      v: 1,
      type: "approval.decided",
      at: "2026-11-01T00:00:00.123456Z",
      actor: { id: "u1", name: 'Zoë "Z" O\'Brien\n' },
      payload: { n: -12.5, big: 1e21, tiny: 1e-7, list: [null, true, {}, []] },
    });
    expect(isCanonicalJson(Buffer.from(body, "utf8"))).toBe(true);
  });
});

describe("isCanonicalJson on UTF-8", () => {
  it("matches Node's UTF-8 validation byte by byte", async () => {
    const { isUtf8 } = await import("node:buffer");
    const samples = [
      [0xc2, 0x80],
      [0xc1, 0xbf],
      [0xe0, 0x9f, 0x80],
      [0xe0, 0xa0, 0x80],
      [0xed, 0x9f, 0xbf],
      [0xed, 0xa0, 0x80],
      [0xef, 0xbf, 0xbf],
      [0xf0, 0x8f, 0xbf, 0xbf],
      [0xf0, 0x90, 0x80, 0x80],
      [0xf4, 0x8f, 0xbf, 0xbf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0x80],
      [0xc2],
    ];
    for (const bytes of samples) {
      const text = Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')]);
      expect(isCanonicalJson(text), Buffer.from(bytes).toString("hex")).toBe(isUtf8(text));
    }
  });
});
