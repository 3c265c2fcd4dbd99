import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { commitment, commitmentPreimage, matchesCommitment, newSalt, SALT_BYTES } from "./commitment";

// Recomputed the way docs/commitments.md tells an outsider to: SHA-256 over salt ‖ canonical JSON.
const offline = (salt: Buffer, json: string) =>
  createHash("sha256")
    .update(Buffer.concat([salt, Buffer.from(json, "utf8")]))
    .digest("hex");

describe("content commitments", () => {
  const salt = Buffer.from("0f".repeat(SALT_BYTES), "hex");

  it("is SHA-256 over the salt and the canonical JSON of the committed fields", () => {
    expect(commitment("note", salt, { body: "Saw jdoe sign in from 203.0.113.47" })).toBe(
      offline(salt, '{"body":"Saw jdoe sign in from 203.0.113.47"}'),
    );
    // Keys sorted (RFC 8785), whatever order the caller wrote them in.
    expect(commitment("event", salt, { title: "Login", description: 'from "botnet"\n' })).toBe(
      offline(salt, '{"description":"from \\"botnet\\"\\n","title":"Login"}'),
    );
    expect(commitment("evidence", salt, { name: "a.csv", source: "IdP", description: "" })).toBe(
      offline(salt, '{"description":"","name":"a.csv","source":"IdP"}'),
    );
  });

  it("verifies with the stored salt and fails with other text or another salt", () => {
    const c = commitment("note", salt, { body: "exfiltration via files-drop" });
    expect(matchesCommitment("note", salt, { body: "exfiltration via files-drop" }, c)).toBe(true);
    expect(matchesCommitment("note", salt, { body: "exfiltration via files-drop." }, c)).toBe(false);
    expect(matchesCommitment("note", newSalt(), { body: "exfiltration via files-drop" }, c)).toBe(false);
    expect(matchesCommitment("note", salt, { body: "exfiltration via files-drop" }, "not hex")).toBe(false);
  });

  it("binds the fields apart: moving text from one field to the other changes it", () => {
    expect(commitment("event", salt, { title: "ab", description: "" })).not.toBe(
      commitment("event", salt, { title: "a", description: "b" }),
    );
  });

  it("draws a fresh 32-byte salt each time, so equal texts get unrelated commitments", () => {
    const [a, b] = [newSalt(), newSalt()];
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
    expect(commitment("note", a, { body: "yes" })).not.toBe(commitment("note", b, { body: "yes" }));
  });

  it("commits to text as the database stores it (a lone surrogate is U+FFFD) and refuses a short salt", () => {
    expect(commitmentPreimage("note", salt, { body: "a\ud800b" }).subarray(SALT_BYTES).toString("utf8")).toBe(
      '{"body":"a\ufffdb"}',
    );
    expect(() => commitment("note", Buffer.alloc(16), { body: "x" })).toThrow(/32 bytes/);
  });
});
