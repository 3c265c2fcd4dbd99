import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { and, asc, eq, gt, gte, lt } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { ledgerCheckpoints, ledgerEntries, ledgerNodes } from "@/db/schema";
import { isCanonicalJson } from "./canonical-check";
import { parseVerifierKey } from "./checkpoint";
import { prefixedLeafDigest, type Digest } from "./digests";
import { TILE_HEIGHT, tileRanges } from "./locate";
import type { WitnessPolicy } from "./cosignature";
import { LedgerVerifier, type VerifyReport } from "./verify";
import { withCosignatures } from "./witness-client";

/**
 * Export format: a JSON header line, then one line per entry, `<seq>\t<canonical JSON>`
 * (canonical JSON never holds a raw tab or newline, so no second parse is needed),
 * then (version 2) the tree's stored hashes as tiles, one line each:
 * `tile/<L>/<N>\t<base64 of up to 256 hashes>` (C2SP tlog-tiles: level 8·L, nodes 256·N…).
 */
export type ExportHeader = {
  format: "casefile-ledger-export";
  version: 1 | 2;
  origin: string;
  verifierKey: string;
  checkpoints: string[];
  tileHeight?: typeof TILE_HEIGHT;
};

const TILE_WIDTH = 2 ** TILE_HEIGHT;

export async function exportLedger(
  db: DbOrTx,
  file: string,
  meta: { origin: string; verifierKey: string; outsideNotes: string[] },
): Promise<{ entries: number; checkpoints: number }> {
  const stored = await withCosignatures(
    db,
    await db
      .select({ size: ledgerCheckpoints.size, note: ledgerCheckpoints.note })
      .from(ledgerCheckpoints)
      .orderBy(asc(ledgerCheckpoints.size)),
  );
  const notes = [...new Set([...stored.map((c) => c.note), ...meta.outsideNotes])];
  const header: ExportHeader = {
    format: "casefile-ledger-export",
    version: 2,
    origin: meta.origin,
    verifierKey: meta.verifierKey,
    checkpoints: notes,
    tileHeight: TILE_HEIGHT,
  };
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  await write(JSON.stringify(header) + "\n");
  let after = -1;
  let entries = 0;
  for (;;) {
    const page = await db
      .select({ seq: ledgerEntries.seq, body: ledgerEntries.body })
      .from(ledgerEntries)
      .where(gt(ledgerEntries.seq, after))
      .orderBy(asc(ledgerEntries.seq))
      .limit(10_000);
    const last = page.at(-1);
    if (!last) break;
    await write(page.map((r) => `${r.seq}\t${r.body}\n`).join(""));
    entries += page.length;
    after = last.seq;
  }
  await writeTiles(db, entries, write);
  out.end();
  await once(out, "finish");
  return { entries, checkpoints: notes.length };
}

/**
 * The stored hashes of the first `size` leaves as tiles: level 0 from the stored
 * leaf hashes (not recomputed: they are the database's claim), higher levels from
 * the stored nodes of levels 8, 16, ….
 */
async function writeTiles(db: DbOrTx, size: number, write: (text: string) => Promise<void>) {
  const line = (level: number, index: number, hashes: Buffer[]) =>
    `tile/${level}/${index}\t${Buffer.concat(hashes).toString("base64")}\n`;
  for (let from = 0; from < size; from += 40 * TILE_WIDTH) {
    const rows = await db
      .select({ seq: ledgerEntries.seq, leafHash: ledgerEntries.leafHash })
      .from(ledgerEntries)
      .where(and(gte(ledgerEntries.seq, from), lt(ledgerEntries.seq, Math.min(size, from + 40 * TILE_WIDTH))))
      .orderBy(asc(ledgerEntries.seq));
    let text = "";
    for (let i = 0; i < rows.length; i += TILE_WIDTH) {
      text += line(
        0,
        (from + i) / TILE_WIDTH,
        rows.slice(i, i + TILE_WIDTH).map((r) => r.leafHash),
      );
    }
    await write(text);
  }
  for (let level = TILE_HEIGHT; 2 ** level <= size; level += TILE_HEIGHT) {
    const rows = await db
      .select({ idx: ledgerNodes.idx, hash: ledgerNodes.hash })
      .from(ledgerNodes)
      .where(and(eq(ledgerNodes.level, level), lt(ledgerNodes.idx, Math.floor(size / 2 ** level))))
      .orderBy(asc(ledgerNodes.idx));
    const byTile = new Map<number, Buffer[]>();
    for (const r of rows) {
      const tile = Math.floor(r.idx / TILE_WIDTH);
      byTile.set(tile, [...(byTile.get(tile) ?? []), r.hash]);
    }
    for (const [tile, hashes] of byTile) await write(line(level / TILE_HEIGHT, tile, hashes));
  }
}

/**
 * Yields the file's lines as byte views (without the newline), a chunk's lines at
 * once (one await per chunk, not per entry). The views share one buffer, which
 * the next chunk overwrites: use them before asking for more. Reading into the
 * same buffer spares allocating a fresh chunk and copying the carried-over tail
 * into it for every read, which cost more than parsing the lines.
 */
async function* byteLines(file: string): AsyncGenerator<Buffer[]> {
  const handle = await open(file, "r");
  try {
    let buf = Buffer.allocUnsafe(1 << 22);
    let filled = 0;
    for (;;) {
      if (filled === buf.length) {
        // one line longer than the buffer: grow it
        const bigger = Buffer.allocUnsafe(2 * buf.length);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, filled, buf.length - filled, null);
      if (bytesRead === 0) break;
      const view = buf.subarray(0, filled + bytesRead);
      const lines: Buffer[] = [];
      let start = 0;
      for (let nl = view.indexOf(10, start); nl !== -1; nl = view.indexOf(10, start)) {
        lines.push(view.subarray(start, nl));
        start = nl + 1;
      }
      yield lines;
      view.copyWithin(0, start); // the unfinished last line moves to the front
      filled = view.length - start;
    }
    if (filled) yield [buf.subarray(0, filled)];
  } finally {
    await handle.close();
  }
}

export type ExportReport = VerifyReport & {
  verifierKey: string;
  keyFromFile: boolean;
  /** The key the file names, when it differs from the trusted one. */
  fileKeyDiffers: string | null;
  /** Checkpoint copies given from outside the file. */
  externalCheckpoints: number;
};

/**
 * Verifies an export with no database. `trustedKey` is the verifier key known
 * out of band; without it the key inside the file is used (and reported).
 * `checkpoints` are copies the verifier holds (e.g. the outside copies): with them
 * a truncation that also removed later checkpoints from the file shows.
 * Works on bytes: an entry's leaf hash is over exactly the bytes after its tab.
 */
export async function verifyExport(
  file: string,
  options: { trustedKey?: string | null; checkpoints?: string[]; witnesses?: WitnessPolicy | null } = {},
): Promise<ExportReport> {
  const { trustedKey, checkpoints: external = [], witnesses } = options;
  let verifier: LedgerVerifier | null = null;
  let header: Partial<ExportHeader> = {};
  const tiles = new Map<string, Buffer>();
  for await (const lines of byteLines(file))
    for (const line of lines) {
      if (!verifier) {
        header = JSON.parse(line.toString("utf8")) as Partial<ExportHeader>;
        if (header.format !== "casefile-ledger-export" || (header.version !== 1 && header.version !== 2)) {
          throw new Error("not a Casefile ledger export (bad header)");
        }
        verifier = new LedgerVerifier({
          verifier: parseVerifierKey(trustedKey ?? String(header.verifierKey)),
          origin: String(header.origin),
          notes: [...(Array.isArray(header.checkpoints) ? header.checkpoints.map(String) : []), ...external],
          witnesses,
        });
        continue;
      }
      if (!line.length) continue;
      const tab = line.indexOf(9);
      if (line[0] === 0x74 /* t */) {
        if (!verifier.needsStoredHashes) continue; // only a root mismatch reads them
        const [, level, index] = /^tile\/(\d+)\/(\d+)$/.exec(line.toString("latin1", 0, tab)) ?? [];
        if (level === undefined || index === undefined)
          throw new Error(`malformed tile line after entry ${verifier.count - 1}`);
        tiles.set(`${level}/${index}`, Buffer.from(line.toString("latin1", tab + 1), "base64"));
        continue;
      }
      const seq = tab > 0 && tab <= 15 ? decimal(line, tab) : -1;
      if (seq < 0) throw new Error(`malformed entry line after entry ${verifier.count - 1}`);
      const canonical = isCanonicalJson(line.subarray(tab + 1));
      verifier.addLeaf(seq, leafHashOf(line, tab), canonical);
    }
  if (!verifier) throw new Error("empty export file");
  await verifier.locate(tileRanges(tiles));
  const fileKey = String(header.verifierKey);
  const caveats: string[] = [];
  if (!external.length) {
    caveats.push(
      "a truncation that also removed the later checkpoints cannot be seen from this file alone: " +
        "pass checkpoint copies kept elsewhere with --checkpoints FILE",
    );
  }
  return {
    ...verifier.finish({ caveats }),
    verifierKey: trustedKey ?? fileKey,
    keyFromFile: !trustedKey,
    fileKeyDiffers: trustedKey && trustedKey !== fileKey ? fileKey : null,
    externalCheckpoints: external.length,
  };
}

/** The decimal number in the line's first `end` bytes, or -1 if they are not all digits (or have a leading zero). */
function decimal(line: Buffer, end: number): number {
  if (end > 1 && line[0] === 0x30) return -1;
  let n = 0;
  for (let i = 0; i < end; i++) {
    const d = (line[i] ?? 0) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** SHA-256(0x00 ‖ body) where body follows the tab at `tab`: the tab byte is replaced by the prefix in place. */
function leafHashOf(line: Buffer, tab: number): Digest {
  line[tab] = 0x00;
  return prefixedLeafDigest(line.subarray(tab));
}
