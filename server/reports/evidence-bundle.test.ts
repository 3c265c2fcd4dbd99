import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ledgerEntries } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { loadSessionUser } from "../auth/sessions";
import { type EvidenceBundle, verifyEvidenceBundle } from "../ledger/bundle";
import { generateSignerKey, parseSignerKey } from "../ledger/checkpoint";
import { LedgerIntegrator } from "../ledger/integrator";
import { appendSigned, TEST_ORIGIN, testIntegrator } from "../ledger/testing";
import { callerFor, sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { generateReport } from "./generate";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const ledger = await testIntegrator(t.ledger.db);
const key = ledger.signer.verifierKey;
const identity = { origin: TEST_ORIGIN, verifierKey: key };
const carla = await loadSessionUser(t.db, await sessionFor(t.db, "carla.nguyen@casefile.demo"));
if (!carla) throw new Error("no session");

// A case with some history, other activity around it, and a checkpoint over all of it.
const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
await appendSigned(t.db, ledger.integrator, 5, "test.before");
const { id: caseId, key: caseKey } = await ines.cases.create({
  title: "Bundle case",
  summary: "Entries of this case go into the bundle.",
  severity: 2,
  tlp: "green",
});
await ines.cases.notes.add({ caseId, body: 'First note, with ünïcödé and "quotes".' });
await appendSigned(t.db, ledger.integrator, 3, "test.between");
await ines.cases.notes.add({ caseId, body: "Second note." });
await ledger.integrator.drain();
// Integrated after the latest checkpoint (an integrator never due to sign): counted, not carried.
await ines.cases.notes.add({ caseId, body: "Too late for the checkpoint." });
const unsigned = new LedgerIntegrator({
  db: t.ledger.db,
  signer: ledger.signer,
  origin: TEST_ORIGIN,
  checkpointEveryMs: Number.MAX_SAFE_INTEGER,
});
expect(await unsigned.step()).toMatchObject({ integrated: 1, checkpointSize: null });

const file = await generateReport(t.db, carla, {
  report: "evidence-bundle.json",
  scope: { case: caseKey },
  ledger: identity,
});
const text = file.body.toString("utf8");
const bundle = JSON.parse(text) as EvidenceBundle;
const dir = await mkdtemp(path.join(tmpdir(), "casefile-bundle-"));

/** The byte range of entry `i` in the file: formatBundle writes one entry per line. */
function entryRange(i: number): [number, number] {
  const lines = file.body.toString("latin1").split("\n");
  const at = lines.findIndex((l) => l.startsWith('    {"seq"'));
  const before = lines.slice(0, at + i).reduce((n, l) => n + l.length + 1, 0);
  return [before, before + (lines[at + i]?.length ?? 0)];
}

function flipped(offset: number): string {
  const copy = Buffer.from(file.body);
  copy[offset] = (copy[offset] ?? 0) ^ 0x01;
  return copy.toString("utf8");
}

describe("the signed evidence bundle", () => {
  it("carries the case's checkpointed entries, each with an inclusion proof, and verifies offline", async () => {
    const [inCase] = await t.db
      .select({ n: count() })
      .from(ledgerEntries)
      .where(eq(ledgerEntries.caseKey, caseKey));
    expect(bundle).toMatchObject({
      format: "casefile-evidence-bundle",
      scope: { kind: "case", caseId, caseKey },
      origin: TEST_ORIGIN,
      verifierKey: key,
      truncated: false,
      notYetCheckpointed: 1,
    });
    expect(bundle.entries).toHaveLength((inCase?.n ?? 0) - 1);
    expect(bundle.entries.map((e) => (JSON.parse(e.body) as { type: string }).type)).toEqual([
      "case.created",
      "note.added",
      "note.added",
    ]);
    const report = verifyEvidenceBundle(text, key);
    expect(report).toMatchObject({ ok: true, entries: 3, checkpointsChecked: 1, keyFromFile: false });
  });

  it("fails after a one-byte change anywhere in any entry", () => {
    for (let i = 0; i < bundle.entries.length; i++) {
      const [start, end] = entryRange(i);
      expect(end - start).toBeGreaterThan(100);
      for (let offset = start; offset < end; offset++) {
        const report = verifyEvidenceBundle(flipped(offset), key);
        if (report.ok) throw new Error(`a change at byte ${offset} (entry ${i}) went unnoticed`);
      }
    }
  });

  it("names the entry whose content changed", () => {
    const [first] = bundle.entries;
    const changed = {
      ...bundle,
      entries: bundle.entries.map((e) =>
        e === first ? { ...e, body: e.body.replace('"case.created"', '"case.creatde"') } : e,
      ),
    };
    const report = verifyEvidenceBundle(JSON.stringify(changed), key);
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(first?.seq);
    expect(report.problems[0]?.message).toMatch(/does not match its leaf hash/);
  });

  it("fails when the checkpoint changes, or is signed by another key", () => {
    const lines = bundle.checkpoint.split("\n");
    const root = lines[2] ?? "";
    const otherRoot = (root[0] === "A" ? "B" : "A") + root.slice(1);
    for (const checkpoint of [
      bundle.checkpoint.replace(`\n${root}\n`, `\n${otherRoot}\n`),
      bundle.checkpoint.replace(/^(.*)\n(\d+)\n/, (_, o: string, n: string) => `${o}\n${Number(n) + 1}\n`),
    ]) {
      const report = verifyEvidenceBundle(JSON.stringify({ ...bundle, checkpoint }), key);
      expect(report.ok).toBe(false);
      expect(report.problems[0]?.message).toMatch(/signature does not verify/);
    }
    const other = parseSignerKey(generateSignerKey(TEST_ORIGIN)).verifierKey;
    expect(verifyEvidenceBundle(text, other).ok).toBe(false);
    // Swapping in the other key inside the file does not help: the trusted key decides.
    expect(verifyEvidenceBundle(JSON.stringify({ ...bundle, verifierKey: other }), key).ok).toBe(true);
  });

  it("fails when an entry of another scope is slipped in with a valid proof", async () => {
    const period = await generateReport(t.db, carla, {
      report: "evidence-bundle.json",
      scope: { from: "2020-01-01", to: "2020-12-31" },
      ledger: identity,
    });
    const empty = JSON.parse(period.body.toString("utf8")) as EvidenceBundle;
    expect(empty.entries).toEqual([]);
    expect(verifyEvidenceBundle(period.body.toString("utf8"), key).ok).toBe(true);
    const smuggled = { ...empty, checkpoint: bundle.checkpoint, entries: bundle.entries.slice(0, 1) };
    const report = verifyEvidenceBundle(JSON.stringify(smuggled), key);
    expect(report.problems.map((p) => p.message)).toEqual([
      `entry ${bundle.entries[0]?.seq} lies outside the bundle's scope`,
    ]);
  });
});

describe("npm run ledger:verify -- BUNDLE", () => {
  const run = async (...args: string[]) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", "server/cli/ledger-verify.ts", ...args], {
      env: { ...process.env, CASEFILE_DATA_DIR: dir }, // no local signing key
    }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

  it("recognises a bundle: exit 0 when it verifies, 1 naming the entry after a one-byte change", async () => {
    const good = path.join(dir, "bundle.json");
    await writeFile(good, file.body);
    const ok = await run(good, "--key", key);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`evidence bundle for case ${caseKey}`);
    expect(ok.stdout).toContain("OK: the evidence bundle verifies.");

    const untrusted = await run(good);
    expect(untrusted.code).toBe(0);
    expect(untrusted.stdout).toContain("warning: trusting the key inside the bundle");

    const bad = path.join(dir, "tampered.json");
    const second = bundle.entries[2];
    // The note's text is not in the ledger; its commitment is, and changing one digit of it shows.
    const committed = JSON.parse(second?.body ?? "{}") as {
      payload: { commitments: Record<string, string> };
    };
    const [commitment = ""] = Object.values(committed.payload.commitments);
    expect(commitment).toMatch(/^[0-9a-f]{64}$/);
    await writeFile(bad, text.replace(commitment, (commitment[0] === "a" ? "b" : "a") + commitment.slice(1)));
    const failed = await run(bad, "--key", key);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`FAILED: first bad entry ${second?.seq}`);
  }, 120_000);
});
