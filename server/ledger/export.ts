import { once } from "node:events";
import { hash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { asc, gt } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { ledgerCheckpoints, ledgerEntries } from "@/db/schema";
import { parseVerifierKey } from "./checkpoint";
import { LedgerVerifier, type VerifyReport } from "./verify";

/**
 * Export format: a JSON header line, then one line per entry, `<seq>\t<canonical JSON>`
 * (canonical JSON never holds a raw tab or newline, so no second parse is needed).
 */
export type ExportHeader = {
  format: "casefile-ledger-export";
  version: 1;
  origin: string;
  verifierKey: string;
  checkpoints: string[];
};

export async function exportLedger(
  db: Tx,
  file: string,
  meta: { origin: string; verifierKey: string; outsideNotes: string[] },
): Promise<{ entries: number; checkpoints: number }> {
  const stored = await db
    .select({ note: ledgerCheckpoints.note })
    .from(ledgerCheckpoints)
    .orderBy(asc(ledgerCheckpoints.size));
  const notes = [...new Set([...stored.map((c) => c.note), ...meta.outsideNotes])];
  const header: ExportHeader = {
    format: "casefile-ledger-export",
    version: 1,
    origin: meta.origin,
    verifierKey: meta.verifierKey,
    checkpoints: notes,
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
  out.end();
  await once(out, "finish");
  return { entries, checkpoints: notes.length };
}

/** Yields the file's lines as byte slices (without the newline), reading in large chunks. */
async function* byteLines(file: string): AsyncGenerator<Buffer[]> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 }) as AsyncIterable<Buffer>) {
    const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      lines.push(buf.subarray(start, nl));
      start = nl + 1;
    }
    rest = buf.subarray(start);
    yield lines; // a chunk's lines at once: one await per chunk, not per entry
  }
  if (rest.length) yield [rest];
}

/**
 * Verifies an export with no database. `trustedKey` is the verifier key known
 * out of band; without it the key inside the file is used (and reported).
 * Works on bytes: an entry's leaf hash is over exactly the bytes after its tab.
 */
export async function verifyExport(
  file: string,
  trustedKey?: string | null,
): Promise<VerifyReport & { verifierKey: string; keyFromFile: boolean }> {
  let verifier: LedgerVerifier | null = null;
  let verifierKey = "";
  for await (const lines of byteLines(file))
    for (const line of lines) {
      if (!verifier) {
        const header = JSON.parse(line.toString("utf8")) as Partial<ExportHeader>;
        if (header.format !== "casefile-ledger-export" || header.version !== 1) {
          throw new Error("not a Casefile ledger export (bad header)");
        }
        verifierKey = trustedKey ?? String(header.verifierKey);
        verifier = new LedgerVerifier({
          verifier: parseVerifierKey(verifierKey),
          origin: String(header.origin),
          notes: Array.isArray(header.checkpoints) ? header.checkpoints.map(String) : [],
        });
        continue;
      }
      if (!line.length) continue;
      const tab = line.indexOf(9);
      const seq = tab > 0 && tab <= 15 ? decimal(line, tab) : -1;
      if (seq < 0) throw new Error(`malformed entry line after entry ${verifier.count - 1}`);
      verifier.addLeaf(seq, leafHashOf(line, tab));
    }
  if (!verifier) throw new Error("empty export file");
  return { ...verifier.finish(), verifierKey, keyFromFile: !trustedKey };
}

/** The decimal number in the line's first `end` bytes, or -1 if they are not all digits. */
function decimal(line: Buffer, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const d = (line[i] ?? 0) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** SHA-256(0x00 ‖ body) where body follows the tab at `tab`: the tab byte is replaced by the prefix in place. */
function leafHashOf(line: Buffer, tab: number): Buffer {
  line[tab] = 0x00;
  return hash("sha256", line.subarray(tab), "buffer");
}
