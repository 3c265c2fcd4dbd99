import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
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

/**
 * Verifies an export with no database. `trustedKey` is the verifier key known
 * out of band; without it the key inside the file is used (and reported).
 */
export async function verifyExport(
  file: string,
  trustedKey?: string | null,
): Promise<VerifyReport & { verifierKey: string; keyFromFile: boolean }> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let verifier: LedgerVerifier | null = null;
  let verifierKey = "";
  for await (const line of lines) {
    if (!verifier) {
      const header = JSON.parse(line) as Partial<ExportHeader>;
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
    if (!line) continue;
    const tab = line.indexOf("\t");
    const seq = Number(line.slice(0, tab));
    if (tab < 1 || !Number.isSafeInteger(seq))
      throw new Error(`malformed entry line after entry ${verifier.count - 1}`);
    verifier.add(seq, line.slice(tab + 1));
  }
  if (!verifier) throw new Error("empty export file");
  return { ...verifier.finish(), verifierKey, keyFromFile: !trustedKey };
}
