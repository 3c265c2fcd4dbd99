import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DigestFrontier,
  digestBytes,
  digestOf,
  leafDigestOfText,
  nodeDigest,
  prefixedLeafDigest,
} from "./digests";
import { Frontier, leafHash, nodeHash, rootFromLeafHashes } from "./merkle";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("digests held as latin1 text", () => {
  it("hash entry text to the same leaf hash and bytes as merkle.ts, at any length and script", () => {
    const texts = [
      "",
      '{"a":1}',
      'ünïcödé "quotes" \\ \u2028 \ud83d\ude00',
      "x".repeat(70_000), // longer than the reused buffer at first
      "é".repeat(40_000),
      "short again",
    ];
    for (const text of texts) {
      const { digest, bytes } = leafDigestOfText(text);
      const utf8 = Buffer.from(text, "utf8");
      expect(hex(bytes)).toBe(hex(utf8));
      expect(hex(digestBytes(digest))).toBe(hex(leafHash(utf8)));
      expect(hex(digestBytes(prefixedLeafDigest(Buffer.concat([Buffer.from([0]), utf8]))))).toBe(
        hex(leafHash(utf8)),
      );
    }
  });

  it("hash inner nodes as merkle.ts does, for bytes above 0x7f too", () => {
    for (let i = 0; i < 50; i++) {
      const [left, right] = [randomBytes(32), randomBytes(32)];
      expect(hex(digestBytes(nodeDigest(digestOf(left), digestOf(right))))).toBe(hex(nodeHash(left, right)));
    }
  });

  it("DigestFrontier gives Frontier's root and right edge at every size 0..300", () => {
    const leaves = Array.from({ length: 300 }, () => randomBytes(32));
    const fast = new DigestFrontier();
    const reference = new Frontier();
    for (let size = 0; size <= 300; size++) {
      expect(fast.size).toBe(size);
      expect(hex(fast.root()), `size ${size}`).toBe(hex(rootFromLeafHashes(leaves.slice(0, size))));
      expect(fast.hashes().map(hex)).toEqual(reference.hashes.map(hex));
      const leaf = leaves[size];
      if (!leaf) break;
      fast.push(digestOf(leaf));
      reference.push(leaf);
    }
  });
});
