import { describe, expect, it } from "vitest";
import { buildInputs, describeChange } from "./build";

describe("npm start's build step", () => {
  it("hashes what the build reads, not the tests, and names what changed", async () => {
    const inputs = await buildInputs();
    expect(Object.keys(inputs)).toContain("package-lock.json");
    expect(Object.keys(inputs)).toContain("proxy.ts");
    expect(Object.keys(inputs).some((file) => file.endsWith(".test.ts"))).toBe(false);
    expect(describeChange(inputs, await buildInputs())).toEqual([]);
    const edited = { ...inputs, "proxy.ts": "0".repeat(64) };
    const { ["next.config.ts"]: _removed, ...withoutConfig } = inputs;
    expect(describeChange(edited, withoutConfig)).toEqual(["proxy.ts", "next.config.ts (removed)"]);
  });
});
