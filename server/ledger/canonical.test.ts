import { describe, expect, it } from "vitest";
import { canonicalBytes, canonicalize } from "./canonical";

function fromIeeeHex(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

// RFC 8785 section 3.2.2 input and section 3.2.3 expected output (display line
// wrap removed), copied from the RFC source cyberphone/ietf-json-canon
// xmlv3/rfc8785.xml. Kept as JSON text so JSON.parse does the number rounding.
const RFC_SAMPLE_INPUT = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50,
                2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;
const RFC_SAMPLE_OUTPUT = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
// RFC 8785 section 3.2.4: the same output as UTF-8 bytes.
const RFC_SAMPLE_UTF8 = `
  7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
  75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
  5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
  65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
  5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
  30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`;

// RFC 8785 section 3.2.3 sorting test data and its expected value order.
const RFC_SORT_INPUT = String.raw`{
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  }`;
const RFC_SORT_ORDER = [
  "Carriage Return",
  "One",
  "Control",
  "Latin Small Letter O With Diaeresis",
  "Euro Sign",
  "Emoji: Grinning Face",
  "Hebrew Letter Dalet With Dagesh",
];

// RFC 8785 Appendix B, every row with a JSON representation (IEEE 754 hex, expected).
const RFC_NUMBER_SAMPLES: [string, string][] = [
  ["0000000000000000", "0"],
  ["8000000000000000", "0"],
  ["0000000000000001", "5e-324"],
  ["8000000000000001", "-5e-324"],
  ["7fefffffffffffff", "1.7976931348623157e+308"],
  ["ffefffffffffffff", "-1.7976931348623157e+308"],
  ["4340000000000000", "9007199254740992"],
  ["c340000000000000", "-9007199254740992"],
  ["4430000000000000", "295147905179352830000"],
  ["44b52d02c7e14af5", "9.999999999999997e+22"],
  ["44b52d02c7e14af6", "1e+23"],
  ["44b52d02c7e14af7", "1.0000000000000001e+23"],
  ["444b1ae4d6e2ef4e", "999999999999999700000"],
  ["444b1ae4d6e2ef4f", "999999999999999900000"],
  ["444b1ae4d6e2ef50", "1e+21"],
  ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
  ["3eb0c6f7a0b5ed8d", "0.000001"],
  ["41b3de4355555553", "333333333.3333332"],
  ["41b3de4355555554", "333333333.33333325"],
  ["41b3de4355555555", "333333333.3333333"],
  ["41b3de4355555556", "333333333.3333334"],
  ["41b3de4355555557", "333333333.33333343"],
  ["becbf647612f3696", "-0.0000033333333333333333"],
  ["43143ff3c1cb0959", "1424953923781206.2"],
];
// Appendix B rows with no JSON representation (NaN, Infinity).
const RFC_NUMBER_INVALID = ["7fffffffffffffff", "7ff0000000000000"];

// cyberphone/json-canonicalization testdata/input/values.json and output/values.json.
const CYBERPHONE_VALUES_INPUT = String.raw`{
  "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],
  "escaping": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`;
const CYBERPHONE_VALUES_OUTPUT = String.raw`{"escaping":"€$\u000f\nA'B\"\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}`;

describe("canonicalize: RFC 8785 examples", () => {
  it("serializes the section 3.2.2 sample as in section 3.2.3", () => {
    expect(canonicalize(JSON.parse(RFC_SAMPLE_INPUT))).toBe(RFC_SAMPLE_OUTPUT);
  });

  it("encodes the sample as the section 3.2.4 UTF-8 bytes", () => {
    const hex = RFC_SAMPLE_UTF8.replace(/\s+/g, "");
    expect(canonicalBytes(JSON.parse(RFC_SAMPLE_INPUT)).toString("hex")).toBe(hex);
  });

  it("sorts the section 3.2.3 property names by UTF-16 code units", () => {
    const out = canonicalize(JSON.parse(RFC_SORT_INPUT));
    const values = [...out.matchAll(/:"([^"]*)"/g)].map((m) => m[1]);
    expect(values).toEqual(RFC_SORT_ORDER);
    expect(out.startsWith(String.raw`{"\r":"Carriage Return","1":"One",`)).toBe(true);
  });

  it("matches the cyberphone values.json test data", () => {
    expect(canonicalize(JSON.parse(CYBERPHONE_VALUES_INPUT))).toBe(CYBERPHONE_VALUES_OUTPUT);
  });

  it.each(RFC_NUMBER_SAMPLES)("serializes IEEE 754 %s as %s (Appendix B)", (hex, expected) => {
    expect(canonicalize(fromIeeeHex(hex))).toBe(expected);
    expect(canonicalize([fromIeeeHex(hex)])).toBe(`[${expected}]`);
  });

  it.each(RFC_NUMBER_INVALID)("rejects IEEE 754 %s (Appendix B note 3)", (hex) => {
    expect(() => canonicalize(fromIeeeHex(hex))).toThrow(TypeError);
  });
});

describe("canonicalize: strings", () => {
  it("uses two-character escapes for the JSON short forms", () => {
    expect(canonicalize('\b\t\n\f\r"\\')).toBe(String.raw`"\b\t\n\f\r\"\\"`);
  });

  it("escapes the other controls as lower-case \\u00xx", () => {
    expect(canonicalize("\u0000\u0001\u000b\u000e\u001a\u001f")).toBe(
      String.raw`"\u0000\u0001\u000b\u000e\u001a\u001f"`,
    );
  });

  it("keeps everything else literal", () => {
    const s = "/ \u007f \u0080 \u00e9 \u2028 \u2029 \u20ac \ufeff \ud83d\ude00";
    expect(canonicalize(s)).toBe(`"${s}"`);
  });
});

describe("canonicalize: structure", () => {
  it("ignores input key order, recursively, and keeps array order", () => {
    const a = { b: 1, a: { z: [3, { y: 1, x: 2 }], c: null }, "": true };
    const b = { "": true, a: { c: null, z: [3, { x: 2, y: 1 }] }, b: 1 };
    expect(canonicalize(a)).toBe(canonicalize(b));
    expect(canonicalize(a)).toBe('{"":true,"a":{"c":null,"z":[3,{"x":2,"y":1}]},"b":1}');
    expect(canonicalize([2, 1])).toBe("[2,1]");
  });

  it("sorts by code units, not by locale", () => {
    expect(canonicalize({ b: 1, B: 2, a: 3, é: 4, aa: 5, e: 6 })).toBe(
      '{"B":2,"a":3,"aa":5,"b":1,"e":6,"é":4}',
    );
  });

  it("writes no whitespace and handles empty containers and null-prototype objects", () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.k = [];
    expect(canonicalize({ o: {}, a: [], n: null, t: true, f: false, bare })).toBe(
      '{"a":[],"bare":{"k":[]},"f":false,"n":null,"o":{},"t":true}',
    );
  });

  it("serializes -0 as 0 and shared (non-cyclic) references twice", () => {
    const shared = { v: -0 };
    expect(canonicalize({ a: shared, b: shared })).toBe('{"a":{"v":0},"b":{"v":0}}');
  });
});

describe("canonicalize: rejections", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = { back: cyclic };
  class Point {
    x = 1;
  }
  const holey: unknown[] = [1];
  holey[2] = 3;
  const cases: [string, unknown][] = [
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["-Infinity", -Infinity],
    ["undefined", undefined],
    ["undefined property", { a: undefined }],
    ["undefined element", [1, undefined]],
    ["array hole", holey],
    ["function", () => 1],
    ["symbol", Symbol("s")],
    ["symbol key", { [Symbol("k")]: 1 }],
    ["bigint", 1n],
    ["lone high surrogate", "a\ud800"],
    ["lone low surrogate", "\udc00b"],
    ["reversed pair", "\ude00\ud83d"],
    ["lone surrogate key", { "\ud800": 1 }],
    ["Date", new Date(0)],
    ["Map", new Map()],
    ["boxed string", new String("x")],
    ["class instance", new Point()],
    ["cycle", cyclic],
    ["nested NaN", { a: [{ b: [NaN] }] }],
    ["nested bigint", [[{ deep: { n: 2n } }]]],
    ["nested Date", { when: [new Date(0)] }],
  ];

  it.each(cases)("rejects %s with a TypeError", (_name, value) => {
    expect(() => canonicalize(value)).toThrow(TypeError);
    expect(() => canonicalBytes(value)).toThrow(TypeError);
  });

  it("names where the bad value is", () => {
    expect(() => canonicalize({ a: [{ b: NaN }] })).toThrow("$.a[0].b");
  });
});
