/**
 * Names the exact entry behind a root that does not match its signed checkpoint.
 * A root alone only says "something in this range changed"; the tree's stored
 * hashes say which half changed, level by level. Each stored pair is checked
 * against the hash above it, starting from the signed root, so a stored hash
 * that was rewritten as well stops the descent instead of misleading it.
 */
import { HASH_SIZE, nodeHash, rangeHash, rootFromLeafHashes, splitPoint, type NodeReader } from "./merkle";

/** A checkpoint whose root the entries did not reproduce, with what the verifier recomputed. */
export type Mismatch = {
  /** The last checkpoint size the entries did reproduce (0 if none). */
  good: number;
  /** The recomputed tree's right edge at `good`: perfect subtree roots, largest first. */
  edge: Buffer[];
  /** Recomputed leaf hashes of entries good … size-1. */
  leaves: Buffer[];
  size: number;
  root: Buffer;
};

/** MTH of stored leaves [lo, hi), or null when the stored hashes are missing. */
export type StoredRange = (lo: number, hi: number) => Promise<Buffer | null>;

/** The entry, or (when the entries end before the checkpoint) the first one that is missing. */
export type Located = { seq: number; missing: boolean } | { from: number; to: number; why: string };

export async function locateChange(m: Mismatch, stored: StoredRange): Promise<Located> {
  const unlocated = (why: string): Located => ({ from: m.good, to: m.size - 1, why });
  const recomputed = recomputedReader(m);
  const top = await stored(0, m.size);
  if (!top) return unlocated("the tree's stored hashes are not available to narrow it down");
  if (!top.equals(m.root)) return unlocated("the stored tree hashes do not lead to the signed root either");
  let lo = 0;
  let hi = m.size;
  let expected = m.root;
  while (hi - lo > 1) {
    const mid = lo + splitPoint(hi - lo);
    const [left, right] = [await stored(lo, mid), await stored(mid, hi)];
    if (!left || !right || !nodeHash(left, right).equals(expected)) {
      return {
        from: Math.max(lo, m.good),
        to: hi - 1,
        why: "the stored tree hashes below it were altered too",
      };
    }
    // Entries before `good` reproduced a signed root already: the change lies to the right.
    // A left half the entries do not fill holds their end, where they part from the signed tree.
    const end = m.good + m.leaves.length;
    const goLeft = mid > m.good && (mid > end || !rangeHash(lo, mid, recomputed).equals(left));
    if (goLeft) [hi, expected] = [mid, left];
    else [lo, expected] = [mid, right];
  }
  const leaf = m.leaves[lo - m.good];
  if (!leaf) return { seq: lo, missing: true };
  return !leaf.equals(expected)
    ? { seq: lo, missing: false }
    : unlocated("the stored tree hashes agree with the entries (the log signed a different history)");
}

/** Perfect subtree hashes over the recomputed leaves: the edge below `good`, the leaves above it. */
function recomputedReader(m: Mismatch): NodeReader {
  const edge = new Map<string, Buffer>();
  let start = 0;
  let i = 0;
  for (let level = 52; level >= 0; level--) {
    const width = 2 ** level;
    if (start + width > m.good) continue;
    const h = m.edge[i++];
    if (h) edge.set(`${level}:${start / width}`, h);
    start += width;
  }
  const node: NodeReader = (level, index) => {
    const width = 2 ** level;
    const from = index * width;
    if (from >= m.good) {
      const leaves = m.leaves.slice(from - m.good, from - m.good + width);
      if (leaves.length < width) throw new Error(`the entries end inside node ${level}/${index}`);
      return rootFromLeafHashes(leaves);
    }
    const known = edge.get(`${level}:${index}`);
    if (known) return known;
    if (from + width <= m.good || level === 0)
      throw new Error(`no recomputed hash for node ${level}/${index}`);
    return nodeHash(node(level - 1, 2 * index), node(level - 1, 2 * index + 1));
  };
  return node;
}

export const TILE_HEIGHT = 8;
const TILE_WIDTH = 2 ** TILE_HEIGHT;

/**
 * Stored hashes from C2SP tlog-tiles style tiles: tile (L, N) holds the hashes of
 * tree level 8·L, nodes 256·N onwards; levels in between are hashed up from them.
 */
export function tileRanges(tiles: Map<string, Buffer>): StoredRange {
  const node: NodeReader = (level, index) => {
    if (level % TILE_HEIGHT !== 0) {
      return nodeHash(node(level - 1, 2 * index), node(level - 1, 2 * index + 1));
    }
    const tile = tiles.get(`${level / TILE_HEIGHT}/${Math.floor(index / TILE_WIDTH)}`);
    const at = (index % TILE_WIDTH) * HASH_SIZE;
    if (!tile || tile.length < at + HASH_SIZE) throw new Error(`no stored hash for node ${level}/${index}`);
    return tile.subarray(at, at + HASH_SIZE);
  };
  return (lo, hi) => {
    try {
      return Promise.resolve(rangeHash(lo, hi, node));
    } catch {
      return Promise.resolve(null);
    }
  };
}
