/**
 * Merkle tree of RFC 9162 section 2.1 (Certificate Transparency v2) over SHA-256.
 * Sizes and indices use arithmetic, not 32-bit bitwise operators, so they stay
 * exact up to Number.MAX_SAFE_INTEGER.
 */
import { createHash, hash } from "node:crypto";

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);
const EMPTY_ROOT = createHash("sha256").digest();

// Reused input block for the common 32+32 case: one-shot hash() over a flat
// buffer is about 1.6x faster than createHash().update()x3, which matters for
// millions of inner nodes. Safe because hashing is synchronous.
const pair = Buffer.alloc(1 + 2 * HASH_SIZE);
pair[0] = 0x01;

export function leafHash(data: Uint8Array): Buffer {
  return hash("sha256", Buffer.concat([LEAF_PREFIX, data]), "buffer");
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
    pair.set(left, 1);
    pair.set(right, 1 + HASH_SIZE);
    return hash("sha256", pair, "buffer");
  }
  return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
}

export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT); // a copy: callers may mutate what they get
}

const isSize = (n: number) => Number.isSafeInteger(n) && n >= 0;
const isHash = (h: unknown): h is Uint8Array => h instanceof Uint8Array && h.length === HASH_SIZE;
const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);
const equal = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

function checkHash(h: Uint8Array, what: string): void {
  if (!isHash(h)) throw new RangeError(`${what} must be ${HASH_SIZE} bytes`);
}

/** Largest power of two strictly smaller than n (n >= 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}

/** Folds subtree roots right to left: hash(p0, hash(p1, ... hash(pn-2, pn-1))). */
function foldRight(parts: readonly Uint8Array[]): Buffer {
  const last = parts[parts.length - 1];
  if (last === undefined) return emptyRoot();
  // start from a copy: never hand out the caller's or the frontier's buffer
  return parts.slice(0, -1).reduceRight<Buffer>((acc, part) => nodeHash(part, acc), Buffer.from(last));
}

/**
 * MTH over already-hashed leaves (RFC 9162 2.1.1). Keeps a stack of perfect
 * subtree roots (at most log2(n) hashes live) instead of whole levels, then
 * folds them from the right, which is exactly the RFC's split structure.
 */
export function rootFromLeafHashes(leaves: readonly Uint8Array[]): Buffer {
  const stack: Uint8Array[] = [];
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i];
    if (leaf === undefined || !isHash(leaf)) throw new RangeError(`leaf ${i} must be ${HASH_SIZE} bytes`);
    let node: Uint8Array = leaf;
    // each trailing 1 bit of i closes a perfect subtree with its left neighbour
    for (let j = i; isOdd(j); j = half(j)) {
      const left = stack.pop();
      if (left === undefined) throw new Error("unreachable: frontier underflow");
      node = nodeHash(left, node);
    }
    stack.push(node);
  }
  return foldRight(stack);
}

type CompletedNode = { level: number; index: number; hash: Buffer };

/** Incremental tree state for appends: the roots of the perfect subtrees along the right edge ("compact range" from 0). */
export class Frontier {
  #size: number;
  #hashes: Buffer[];

  constructor(size = 0, hashes: Buffer[] = []) {
    if (!isSize(size)) throw new RangeError(`invalid frontier size ${size}`);
    let bits = 0;
    for (let n = size; n > 0; n = half(n)) if (isOdd(n)) bits++;
    if (hashes.length !== bits) {
      throw new RangeError(`a frontier of size ${size} has ${bits} hashes, got ${hashes.length}`);
    }
    hashes.forEach((h, i) => checkHash(h, `frontier hash ${i}`));
    this.#size = size;
    this.#hashes = hashes.map((h) => Buffer.from(h));
  }

  get size(): number {
    return this.#size;
  }

  /** the perfect-subtree roots, largest (leftmost) first; with size this is the whole saved state */
  get hashes(): Buffer[] {
    return this.#hashes.map((h) => Buffer.from(h));
  }

  /** appends one leaf hash; returns the perfect subtree nodes completed by this append, leaf first */
  append(leafHash: Uint8Array): CompletedNode[] {
    const completed: CompletedNode[] = [];
    this.#append(leafHash, completed);
    return completed;
  }

  /** appends one leaf hash without reporting completed nodes (the verifier's hot path) */
  push(leafHash: Uint8Array): void {
    this.#append(leafHash, null);
  }

  #append(leafHash: Uint8Array, completed: CompletedNode[] | null): void {
    checkHash(leafHash, "leaf hash");
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new RangeError("frontier is full");
    let node: Buffer = Buffer.from(leafHash);
    let index = this.#size;
    let level = 0;
    completed?.push({ level, index, hash: node });
    while (isOdd(index)) {
      const left = this.#hashes.pop();
      if (left === undefined) throw new Error("unreachable: frontier underflow");
      node = nodeHash(left, node);
      index = half(index);
      level++;
      completed?.push({ level, index, hash: node });
    }
    this.#hashes.push(node);
    this.#size++;
  }

  /** MTH of all leaves so far (emptyRoot() when size 0) */
  root(): Buffer {
    return foldRight(this.#hashes);
  }
}

/** A function returning the hash of the perfect subtree at (level, index): covers leaves [index*2^level, (index+1)*2^level). */
export type NodeReader = (level: number, index: number) => Buffer;

/** Hash of the perfect subtree of 2^level leaves starting at `start`; splits only when `start` is unaligned. */
function perfectHash(start: number, level: number, node: NodeReader): Buffer {
  const width = 2 ** level;
  if (start % width === 0) {
    const h = node(level, start / width);
    checkHash(h, `node ${level}/${start / width}`);
    return h;
  }
  return nodeHash(perfectHash(start, level - 1, node), perfectHash(start + width / 2, level - 1, node));
}

/** MTH of leaves [start, end) built from perfect nodes (RFC 9162 split at the largest power of two smaller than the count). */
export function rangeHash(start: number, end: number, node: NodeReader): Buffer {
  if (!isSize(start) || !isSize(end) || start > end) throw new RangeError(`invalid range [${start}, ${end})`);
  // Repeated RFC splits peel off perfect subtrees whose sizes are the set bits of the count, largest first.
  const parts: Buffer[] = [];
  let level = 0;
  while (2 ** (level + 1) <= end - start) level++;
  for (let s = start; s < end; level--) {
    const width = 2 ** level;
    if (s + width > end) continue;
    parts.push(perfectHash(s, level, node));
    s += width;
  }
  return foldRight(parts);
}

/** RFC 9162 2.1.3.1 inclusion proof (audit path) for leaf `index` in a tree of `size`. */
export function inclusionProof(index: number, size: number, node: NodeReader): Buffer[] {
  if (!isSize(index) || !isSize(size) || index >= size) {
    throw new RangeError(`no leaf ${index} in a tree of size ${size}`);
  }
  // PATH(m, D[lo:hi]) unrolled top-down; the recursion appends the sibling after the sub-path, hence the reverse.
  const proof: Buffer[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const mid = lo + splitPoint(hi - lo);
    if (index < mid) {
      proof.push(rangeHash(mid, hi, node));
      hi = mid;
    } else {
      proof.push(rangeHash(lo, mid, node));
      lo = mid;
    }
  }
  return proof.reverse();
}

/** RFC 9162 2.1.4.1 consistency proof between sizes size1 <= size2. Empty array when size1 == size2 or size1 == 0. */
export function consistencyProof(size1: number, size2: number, node: NodeReader): Buffer[] {
  if (!isSize(size1) || !isSize(size2) || size1 > size2) {
    throw new RangeError(`no consistency proof from size ${size1} to ${size2}`);
  }
  if (size1 === 0 || size1 === size2) return [];
  // SUBPROOF(m, D[lo:hi], b) unrolled top-down, reversed at the end like PATH.
  const proof: Buffer[] = [];
  let lo = 0;
  let hi = size2;
  let known = true; // b: whether MTH(D[lo:size1]) is the old root the verifier already has
  while (size1 !== hi) {
    const mid = lo + splitPoint(hi - lo);
    if (size1 <= mid) {
      proof.push(rangeHash(mid, hi, node));
      hi = mid;
    } else {
      proof.push(rangeHash(lo, mid, node));
      lo = mid;
      known = false;
    }
  }
  if (!known) proof.push(rangeHash(lo, hi, node));
  return proof.reverse();
}

/** RFC 9162 2.1.3.2 verification algorithm. Returns true/false, never throws on bad input shapes (wrong lengths, index >= size → false). */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isSize(index) || !isSize(size) || index >= size) return false;
  if (!isHash(leafHash) || !isHash(root) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // skip the levels where this node has no right sibling (it is carried up unchanged)
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 2.1.4.2 verification algorithm; false (never throws) on any mismatch or malformed input. */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!isSize(size1) || !isSize(size2) || size1 > size2 || !Array.isArray(proof)) return false;
  if (size1 === size2) return proof.length === 0 && isHash(root1) && isHash(root2) && equal(root1, root2);
  if (size1 === 0) return proof.length === 0; // the empty tree is a prefix of every tree
  if (proof.length === 0 || !isHash(root1) || !isHash(root2) || !proof.every(isHash)) return false;

  // When size1 is a power of two the old root is itself the first node of the path and is not sent.
  let fn = size1 - 1;
  let sn = size2 - 1;
  let i = 0;
  const first = isPowerOfTwo(size1) ? root1 : proof[i++];
  if (first === undefined) return false;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = first;
  let sr: Uint8Array = first;
  for (; i < proof.length; i++) {
    const c = proof[i];
    if (c === undefined || sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(fr, root1) && equal(sr, root2);
}
