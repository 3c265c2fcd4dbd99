import { describe, expect, it } from "vitest";
import { crossSiteRefusal } from "./cross-site";

const APP = ["https://casefile.example"];

describe("crossSiteRefusal", () => {
  it.each([
    [{}, null],
    [{ "sec-fetch-site": "same-origin", origin: "https://casefile.example" }, null],
    [{ "sec-fetch-site": "none" }, null],
    [{ origin: "https://casefile.example" }, null],
    [{ "sec-fetch-site": "cross-site", origin: "https://evil.example" }, /Sec-Fetch-Site: cross-site/],
    [{ "sec-fetch-site": "same-site", origin: "https://other.casefile.example" }, /same-site/],
    [{ origin: "https://evil.example" }, /Origin: https:\/\/evil.example/],
    [{ origin: "null" }, /Origin: null/],
  ] as const)("%j", (headers, expected) => {
    const result = crossSiteRefusal(new Headers(headers), APP);
    if (expected) expect(result).toMatch(expected);
    else expect(result).toBeNull();
  });
});
