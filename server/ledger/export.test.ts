import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../testing/db";
import { generateSignerKey, parseSignerKey } from "./checkpoint";
import { exportLedger, verifyExport } from "./export";
import { appendSigned, TEST_ORIGIN, testIntegrator } from "./testing";

const t = await testDatabase();
const ledger = await testIntegrator(t.ledger.db);
const dir = await mkdtemp(path.join(tmpdir(), "casefile-export-"));
const exported = path.join(dir, "ledger.export");

beforeAll(async () => {
  await appendSigned(t.db, ledger.integrator, 20);
  const result = await exportLedger(t.db, exported, {
    origin: TEST_ORIGIN,
    verifierKey: ledger.signer.verifierKey,
    outsideNotes: [],
  });
  expect(result).toEqual({ entries: 20, checkpoints: 20 });
});

/** Writes a copy of the export with `edit` applied to its lines (line 0 is the header). */
async function variant(name: string, edit: (lines: string[]) => string[]) {
  const lines = (await readFile(exported, "utf8")).split("\n");
  const file = path.join(dir, name);
  await writeFile(file, edit(lines).join("\n"));
  return file;
}

describe("offline verification of an export", () => {
  it("verifies an untouched export with the trusted key", async () => {
    const report = await verifyExport(exported, { trustedKey: ledger.signer.verifierKey });
    expect(report).toMatchObject({ ok: true, entries: 20, checkpointsChecked: 20, keyFromFile: false });
  });

  it("names the entry whose single byte changed", async () => {
    const file = await variant("one-byte", (lines) =>
      lines.map((line, i) => (i === 8 ? line.replace('"n":7', '"n":8') : line)),
    );
    const report = await verifyExport(file, { trustedKey: ledger.signer.verifierKey });
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(7);
  });

  it("refuses an entry line whose sequence number is not a number", async () => {
    for (const bad of ["x5", "5x", "-5", "", "1234567890123456", "05", "005", "00"]) {
      const file = await variant(`bad-seq-${bad}`, (lines) =>
        lines.map((line, i) => (i === 6 ? `${bad}${line.slice(line.indexOf("\t"))}` : line)),
      );
      await expect(verifyExport(file, { trustedKey: ledger.signer.verifierKey })).rejects.toThrow(
        "malformed entry line after entry 4",
      );
    }
  });

  it("names a removed entry", async () => {
    const report = await verifyExport(await variant("removed", (lines) => lines.filter((_, i) => i !== 13)), {
      trustedKey: ledger.signer.verifierKey,
    });
    expect(report.firstBadSeq).toBe(12);
  });

  it("rejects checkpoints signed by a key other than the trusted one", async () => {
    const other = parseSignerKey(generateSignerKey(TEST_ORIGIN));
    const report = await verifyExport(exported, { trustedKey: other.verifierKey });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message).join("\n")).toMatch(/signature/);
  });
});

describe("npm run ledger:verify -- FILE", () => {
  const run = async (...args: string[]) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", "server/cli/ledger-verify.ts", ...args], {
      env: { ...process.env, CASEFILE_DATA_DIR: dir }, // no local signing key
    }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

  it("exits 0 for a good export and 1 naming the first bad entry for a tampered one", async () => {
    const key = ledger.signer.verifierKey;
    const good = await run(exported, "--key", key);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(
      "OK, within these limits: the ledger verifies as far as its signed checkpoints reach.",
    );

    const untrusted = await run(exported);
    expect(untrusted.code).toBe(0);
    expect(untrusted.stdout).toContain("warning: trusting the key inside the export");
    expect(untrusted.stdout).toContain("not covered: a truncation that also removed the later checkpoints");

    const other = parseSignerKey(generateSignerKey(TEST_ORIGIN)).verifierKey;
    const mismatched = await run(exported, "--key", other);
    expect(mismatched.code).toBe(1);
    expect(mismatched.stdout).toContain(
      `warning: the export names the verifier key ${key}, not the trusted ${other}`,
    );

    const copies = path.join(dir, "checkpoints.jsonl");
    const header = JSON.parse((await readFile(exported, "utf8")).split("\n")[0] ?? "") as {
      checkpoints: string[];
    };
    await writeFile(copies, header.checkpoints.map((note) => JSON.stringify({ note }) + "\n").join(""));
    const truncated = await variant("cli-truncated", (lines) => [
      JSON.stringify({
        ...(JSON.parse(lines[0] ?? "") as object),
        checkpoints: header.checkpoints.slice(0, 10),
      }),
      ...lines.slice(1, 11),
    ]);
    const alone = await run(truncated, "--key", key);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain("OK, within these limits");
    const held = await run(truncated, "--key", key, "--checkpoints", copies);
    expect(held.code).toBe(1);
    expect(held.stdout).toContain(`checkpoint copies from ${copies}: 20`);
    expect(held.stdout).toContain("FAILED: first bad entry 10");

    const tampered = await variant("cli-tampered", (lines) =>
      lines.map((line, i) => (i === 4 ? line.replace('"n":3', '"n":4') : line)),
    );
    const bad = await run(tampered, "--key", key);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("FAILED: first bad entry 3");
  }, 120_000);
});
