/**
 * Offline verification names what changed: a tampered export is reported at the
 * exact entry (found through the tree's stored hashes, exported as tiles), not at
 * the start of the checkpoint interval it falls in.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../testing/db";
import { canonicalize } from "./canonical";
import { generateSignerKey, parseSignerKey, signCheckpoint } from "./checkpoint";
import { exportLedger, verifyExport, type ExportHeader } from "./export";
import { appendTestEntry, TEST_ORIGIN, testIntegrator } from "./testing";

const t = await testDatabase();
const ledger = await testIntegrator(t.ledger.db);
const dir = await mkdtemp(path.join(tmpdir(), "casefile-tamper-"));
const exported = path.join(dir, "ledger.export");
const key = ledger.signer.verifierKey;
// Signed at 100 and 600: entry 450 lies deep inside the second checkpoint's interval.
const SIZES = [100, 600];
const AT = 450;

beforeAll(async () => {
  let n = 0;
  for (const size of SIZES) {
    while (n < size) await appendTestEntry(t.db, { type: "test.event", actor: null, payload: { n: n++ } });
    await ledger.integrator.drain();
  }
  await exportLedger(t.db, exported, { origin: TEST_ORIGIN, verifierKey: key, outsideNotes: [] });
}, 60_000);

type Parts = { header: ExportHeader; entries: [number, string][]; tiles: string[] };

async function parts(): Promise<Parts> {
  const [head = "", ...rest] = (await readFile(exported, "utf8")).split("\n").filter(Boolean);
  const entries = rest
    .filter((l) => !l.startsWith("tile/"))
    .map((l): [number, string] => [Number(l.slice(0, l.indexOf("\t"))), l.slice(l.indexOf("\t") + 1)]);
  return {
    header: JSON.parse(head) as ExportHeader,
    entries,
    tiles: rest.filter((l) => l.startsWith("tile/")),
  };
}

/** Writes a tampered copy and verifies it with the trusted key. */
async function verifyVariant(name: string, edit: (p: Parts) => Parts, checkpoints: string[] = []) {
  const p = edit(await parts());
  const file = path.join(dir, name);
  const lines = [JSON.stringify(p.header), ...p.entries.map(([s, b]) => `${s}\t${b}`), ...p.tiles];
  await writeFile(file, lines.join("\n") + "\n");
  return verifyExport(file, { trustedKey: key, checkpoints });
}

const renumber = (entries: [number, string][]) => entries.map(([, b], i): [number, string] => [i, b]);
const bodyOf = (p: Parts, seq: number) => p.entries.find(([s]) => s === seq)?.[1] ?? "";

describe("offline verification names the changed entry", () => {
  it("verifies the untouched export, tiles included", async () => {
    const p = await parts();
    expect(p.header.version).toBe(2);
    expect(p.tiles.map((l) => l.slice(0, l.indexOf("\t")))).toEqual([
      "tile/0/0",
      "tile/0/1",
      "tile/0/2",
      "tile/1/0",
    ]);
    const report = await verifyExport(exported, { trustedKey: key });
    expect(report).toMatchObject({ ok: true, entries: 600, checkpointsChecked: 2, firstBadSeq: null });
  });

  it("an edited entry", async () => {
    const report = await verifyVariant("edit", (p) => ({
      ...p,
      entries: p.entries.map(([s, b]) => [s, s === AT ? b.replace(`"n":${AT}`, `"n":${AT + 1}`) : b]),
    }));
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(AT);
    expect(report.problems.map((x) => x.message)).toContain(
      `entry ${AT} is not the entry the checkpoint of size 600 signed`,
    );
  });

  it("an inserted entry, the rest renumbered", async () => {
    const forged = canonicalize({ type: "forged", n: -1 });
    const report = await verifyVariant("insert", (p) => ({
      ...p,
      entries: renumber([...p.entries.slice(0, AT), [AT, forged], ...p.entries.slice(AT)]),
    }));
    expect(report.firstBadSeq).toBe(AT);
  });

  it("a repeated line is named by its own number", async () => {
    const report = await verifyVariant("repeat", (p) => ({
      ...p,
      entries: [...p.entries.slice(0, AT + 1), [AT, bodyOf(p, AT)], ...p.entries.slice(AT + 1)],
    }));
    expect(report.firstBadSeq).toBe(AT);
    expect(report.problems[0]?.message).toBe(
      `entry ${AT} appears again after entry ${AT} (repeated or out of order)`,
    );
  });

  it("a deleted entry, with and without renumbering", async () => {
    const gap = await verifyVariant("delete", (p) => ({
      ...p,
      entries: p.entries.filter(([s]) => s !== AT),
    }));
    expect(gap.firstBadSeq).toBe(AT);
    const closed = await verifyVariant("delete-renumbered", (p) => ({
      ...p,
      entries: renumber(p.entries.filter(([s]) => s !== AT)),
    }));
    expect(closed.firstBadSeq).toBe(AT);
  });

  it("two swapped entries, by body and by line", async () => {
    const bodies = await verifyVariant("swap-bodies", (p) => ({
      ...p,
      entries: p.entries.map(([s, b]) => [
        s,
        s === AT ? bodyOf(p, AT + 1) : s === AT + 1 ? bodyOf(p, AT) : b,
      ]),
    }));
    expect(bodies.firstBadSeq).toBe(AT);
    const lines = await verifyVariant("swap-lines", (p) => {
      const entries = [...p.entries];
      const [a, b] = [entries[AT], entries[AT + 1]];
      if (a && b) [entries[AT], entries[AT + 1]] = [b, a];
      return { ...p, entries };
    });
    expect(lines.firstBadSeq).toBe(AT);
  });

  it("a re-serialized entry (same JSON value, other bytes)", async () => {
    const reserialize = (p: Parts): Parts => ({
      ...p,
      entries: p.entries.map(([s, b]) => [
        s,
        s === AT ? JSON.stringify(JSON.parse(b), null, 0).replace(/,/g, ", ") : b,
      ]),
    });
    const report = await verifyVariant("reserialized", reserialize);
    expect(report.firstBadSeq).toBe(AT);
    expect(report.problems.map((x) => x.message)).toContain(`entry ${AT} is not canonical JSON (RFC 8785)`);
    // Past the last checkpoint only the canonical form can tell.
    const unsigned = await verifyVariant("reserialized-unsigned", (p) =>
      reserialize({ ...p, header: { ...p.header, checkpoints: p.header.checkpoints.slice(0, 1) } }),
    );
    expect(unsigned.ok).toBe(false);
    expect(unsigned.firstBadSeq).toBe(AT);
  });

  it("an entry whose stored hashes were rewritten too is still bounded", async () => {
    const report = await verifyVariant("edit-and-tiles", (p) => ({
      ...p,
      entries: p.entries.map(([s, b]) => [s, s === AT ? b.replace(`"n":${AT}`, `"n":${AT + 1}`) : b]),
      tiles: [],
    }));
    expect(report.firstBadSeq).toBe(100);
    expect(report.problems[0]?.message).toMatch(
      /^entries 100–599 do not match the signed checkpoint of size 600; /,
    );
  });
});

describe("equivocation", () => {
  const forkNote = () =>
    signCheckpoint({ origin: TEST_ORIGIN, size: 100, root: Buffer.alloc(32, 9) }, ledger.signer);

  it("is reported as such, whichever checkpoint comes first, and blames no entry", async () => {
    const fork = forkNote();
    const reports = await Promise.all([
      verifyVariant("fork-after", (p) => ({
        ...p,
        header: { ...p.header, checkpoints: [...p.header.checkpoints, fork] },
      })),
      verifyVariant("fork-before", (p) => ({
        ...p,
        header: { ...p.header, checkpoints: [fork, ...p.header.checkpoints] },
      })),
    ]);
    for (const report of reports) {
      expect(report.ok).toBe(false);
      expect(report.firstBadSeq).toBeNull();
      expect(report.problems.map((x) => x.message)).toEqual([
        expect.stringMatching(
          /^equivocation: the log signed two roots for size 100 \(.+ and .+\); the entries here lead to .+=$/,
        ),
      ]);
    }
    expect(reports[0]?.problems).toEqual(reports[1]?.problems);
  });
});

describe("what offline verification cannot see is said", () => {
  it("names the unsigned tail", async () => {
    const report = await verifyVariant("tail", (p) => ({
      ...p,
      header: { ...p.header, checkpoints: p.header.checkpoints.slice(0, 1) },
    }));
    expect(report.ok).toBe(true);
    expect(report.unsignedTail).toBe(500);
    expect(report.caveats.join("\n")).toMatch(
      /^500 entries after the latest checkpoint \(size 100\) are not signed/m,
    );
  });

  it("a truncation with its checkpoints removed passes alone, and fails against held copies", async () => {
    const truncate = (p: Parts): Parts => ({
      ...p,
      header: { ...p.header, checkpoints: p.header.checkpoints.slice(0, 1) },
      entries: p.entries.slice(0, 300),
    });
    const alone = await verifyVariant("truncated", truncate);
    expect(alone.ok).toBe(true);
    expect(alone.caveats.join("\n")).toMatch(/truncation .* cannot be seen from this file alone/);
    const held = (await parts()).header.checkpoints;
    const checked = await verifyVariant("truncated-held", truncate, held);
    expect(checked.ok).toBe(false);
    expect(checked.firstBadSeq).toBe(300);
    expect(checked.problems.map((x) => x.message)).toEqual([
      "entry 300 is missing: the checkpoint of size 600 signs another",
      "a checkpoint signs 600 entries but the ledger ends at 300",
    ]);
  });

  it("warns when the file names another key than the trusted one", async () => {
    const other = parseSignerKey(generateSignerKey(TEST_ORIGIN)).verifierKey;
    const report = await verifyVariant("other-key", (p) => ({
      ...p,
      header: { ...p.header, verifierKey: other },
    }));
    expect(report.ok).toBe(true);
    expect(report.fileKeyDiffers).toBe(other);
  });
});
