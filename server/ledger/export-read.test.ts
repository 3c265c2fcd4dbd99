import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalize } from "./canonical";
import { generateSignerKey, parseSignerKey, signCheckpoint } from "./checkpoint";
import { verifyExport, type ExportHeader } from "./export";
import { Frontier, leafHash } from "./merkle";

const ORIGIN = "casefile.test/export-read";
const signer = parseSignerKey(generateSignerKey(ORIGIN));
const dir = await mkdtemp(path.join(tmpdir(), "casefile-export-read-"));

/**
 * An export whose lines cross the reader's chunk boundaries (several MB of
 * entries of uneven length, one entry longer than a whole chunk), with a
 * checkpoint after every entry so a verdict names its entry.
 */
async function writeExport(file: string): Promise<string[]> {
  const frontier = new Frontier();
  const notes: string[] = [];
  const lines: string[] = [];
  for (let seq = 0; seq < 1200; seq++) {
    const note = seq === 600 ? "long ".repeat(1_200_000) : "x".repeat((seq * 7919) % 9000);
    const body = canonicalize({ v: 1, seq, type: "test.event", payload: { note, text: "ünïcödé" } });
    frontier.push(leafHash(Buffer.from(body, "utf8")));
    notes.push(signCheckpoint({ origin: ORIGIN, size: frontier.size, root: frontier.root() }, signer));
    lines.push(`${seq}\t${body}`);
  }
  const header: ExportHeader = {
    format: "casefile-ledger-export",
    version: 1,
    origin: ORIGIN,
    verifierKey: signer.verifierKey,
    checkpoints: notes,
  };
  await writeFile(file, [JSON.stringify(header), ...lines].join("\n") + "\n");
  return lines;
}

const file = path.join(dir, "long-lines.export");
const lines = await writeExport(file);

describe("reading an export in chunks", () => {
  it("verifies every entry whatever the chunk boundaries and line lengths", async () => {
    const report = await verifyExport(file, { trustedKey: signer.verifierKey });
    expect(report).toMatchObject({ ok: true, entries: 1200, checkpointsChecked: 1200, problems: [] });
  });

  it("names a changed entry on either side of the long line, and the long line itself", async () => {
    const text = await readFile(file, "utf8");
    for (const seq of [599, 600, 601, 1199]) {
      const line = lines[seq] ?? "";
      const changed = text.replace(line, line.replace('"text":"ünïcödé"', '"text":"unicode"'));
      const tampered = path.join(dir, `changed-${seq}.export`);
      await writeFile(tampered, changed);
      const report = await verifyExport(tampered, { trustedKey: signer.verifierKey });
      expect(report.ok).toBe(false);
      expect(report.firstBadSeq).toBe(seq);
    }
  });

  it("reads a last line without a newline", async () => {
    const text = await readFile(file, "utf8");
    const unterminated = path.join(dir, "unterminated.export");
    await writeFile(unterminated, text.slice(0, -1));
    const report = await verifyExport(unterminated, { trustedKey: signer.verifierKey });
    expect(report).toMatchObject({ ok: true, entries: 1200 });
  });
});
