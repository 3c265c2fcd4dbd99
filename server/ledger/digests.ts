/**
 * The verifier's hot path over RFC 9162 hashes, with each SHA-256 digest held as
 * a string of 32 latin1 characters. Node's one-shot `hash()` returns such a
 * string several times faster than a Buffer: a Buffer digest allocates its own
 * ArrayBuffer per call, which costs more than hashing a short entry and two
 * million of them (leaves and inner nodes) dominated offline verification. The
 * bytes and the tree are exactly those of merkle.ts (digests.test.ts holds them
 * side by side); only the representation of a digest differs.
 */
import { hash } from "node:crypto";
import { emptyRoot, HASH_SIZE } from "./merkle";

/** A SHA-256 digest as 32 latin1 characters (one per byte; Node calls this encoding "binary" too). */
export type Digest = string;

export const digestOf = (bytes: Uint8Array): Digest =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");

export const digestBytes = (digest: Digest): Buffer => Buffer.from(digest, "latin1");

/** SHA-256 over bytes that already start with the leaf prefix 0x00: the leaf hash of the rest. */
export const prefixedLeafDigest = (prefixedBody: Uint8Array): Digest =>
  hash("sha256", prefixedBody, "binary");

// One input block reused for every node and leaf copied here: hashing is synchronous.
const pair = Buffer.alloc(1 + 2 * HASH_SIZE);
pair[0] = 0x01;
let scratch = Buffer.alloc(1 << 16);

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeDigest(left: Digest, right: Digest): Digest {
  pair.write(left, 1, HASH_SIZE, "latin1");
  pair.write(right, 1 + HASH_SIZE, HASH_SIZE, "latin1");
  return hash("sha256", pair, "binary");
}

/**
 * SHA-256(0x00 ‖ UTF-8 of `body`) and the body's bytes (a view valid until the
 * next call), encoded once into a reused buffer.
 */
export function leafDigestOfText(body: string): { digest: Digest; bytes: Buffer } {
  const most = 1 + 3 * body.length; // UTF-8 needs at most 3 bytes per UTF-16 unit
  if (scratch.length < most) scratch = Buffer.alloc(Math.max(most, 2 * scratch.length));
  scratch[0] = 0x00;
  const end = 1 + scratch.write(body, 1, "utf8");
  return { digest: prefixedLeafDigest(scratch.subarray(0, end)), bytes: scratch.subarray(1, end) };
}

/**
 * The roots of the perfect subtrees along the right edge, as {@link Frontier}
 * keeps them, for a verifier that appends leaves and reads the root at
 * checkpoint sizes: each leaf closes its completed subtrees on a stack in one
 * pass, so no tree levels are built.
 */
export class DigestFrontier {
  #size = 0;
  readonly #stack: Digest[] = [];

  get size(): number {
    return this.#size;
  }

  push(leaf: Digest): void {
    let node = leaf;
    // each trailing 1 bit of the index closes a perfect subtree with its left neighbour
    for (let i = this.#size; i % 2 === 1; i = (i - 1) / 2) {
      const left = this.#stack.pop();
      if (left === undefined) throw new Error("unreachable: frontier underflow");
      node = nodeDigest(left, node);
    }
    this.#stack.push(node);
    this.#size++;
  }

  /** MTH of all leaves so far: the stack folded from the right (RFC 9162's split structure). */
  root(): Buffer {
    const stack = this.#stack;
    let acc = stack[stack.length - 1];
    if (acc === undefined) return emptyRoot();
    for (let i = stack.length - 2; i >= 0; i--) {
      const left = stack[i];
      if (left === undefined) throw new Error("unreachable: frontier underflow");
      acc = nodeDigest(left, acc);
    }
    return digestBytes(acc);
  }

  /** The perfect-subtree roots, largest (leftmost) first. */
  hashes(): Buffer[] {
    return this.#stack.map(digestBytes);
  }
}
