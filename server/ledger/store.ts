import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { Frontier, HASH_SIZE, type NodeReader } from "./merkle";

type Pair = [level: number, index: number];

async function fetchNodes(db: DbOrTx, pairs: Pair[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const leaves = pairs.filter(([level]) => level === 0).map(([, index]) => index);
  const inner = pairs.filter(([level]) => level > 0);
  if (leaves.length) {
    const rows = await db.execute<{ seq: string; leaf_hash: Buffer }>(
      sql`select seq, leaf_hash from ledger_entries where seq = any(${`{${leaves.join(",")}}`}::bigint[])`,
    );
    for (const r of rows) found.set(`0:${r.seq}`, r.leaf_hash);
  }
  if (inner.length) {
    const levels = `{${inner.map(([l]) => l).join(",")}}`;
    const idxs = `{${inner.map(([, i]) => i).join(",")}}`;
    const rows = await db.execute<{ level: number; idx: string; hash: Buffer }>(
      sql`select n.level, n.idx, n.hash from ledger_nodes n
          join unnest(${levels}::smallint[], ${idxs}::bigint[]) as w(level, idx) using (level, idx)`,
    );
    for (const r of rows) found.set(`${r.level}:${r.idx}`, r.hash);
  }
  return found;
}

/**
 * Runs a proof computation against the stored tree. Which nodes a proof needs
 * depends only on sizes and indices, so a first dry run records them and one
 * query fetches them all.
 */
export async function withStoredNodes<T>(db: DbOrTx, compute: (node: NodeReader) => T): Promise<T> {
  const wanted = new Map<string, Pair>();
  const placeholder = Buffer.alloc(HASH_SIZE);
  compute((level, index) => {
    wanted.set(`${level}:${index}`, [level, index]);
    return placeholder;
  });
  const found = await fetchNodes(db, [...wanted.values()]);
  return compute((level, index) => {
    const hash = found.get(`${level}:${index}`);
    if (!hash) throw new Error(`ledger node ${level}/${index} is missing`);
    return hash;
  });
}

export async function ledgerSize(db: DbOrTx): Promise<number> {
  const [row] = await db.execute<{ size: string }>(
    sql`select coalesce(max(seq) + 1, 0) as size from ledger_entries`,
  );
  return Number(row?.size ?? 0);
}

/** The right edge of the stored tree: one perfect subtree per set bit of the size. */
export async function loadFrontier(db: DbOrTx): Promise<Frontier> {
  const size = await ledgerSize(db);
  const pairs: Pair[] = [];
  let start = 0;
  for (let level = 52; level >= 0; level--) {
    const width = 2 ** level;
    if (start + width <= size) {
      pairs.push([level, start / width]);
      start += width;
    }
  }
  const found = await fetchNodes(db, pairs);
  const hashes = pairs.map(([level, index]) => {
    const hash = found.get(`${level}:${index}`);
    if (!hash) throw new Error(`ledger node ${level}/${index} is missing`);
    return hash;
  });
  return new Frontier(size, hashes);
}
