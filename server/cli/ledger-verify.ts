/**
 * npm run ledger:verify                 verify the live ledger (database + checkpoint copies)
 * npm run ledger:verify -- --state      and reconcile the tables with it (every mismatch named)
 * npm run ledger:verify -- FILE [--key VERIFIER_KEY] [--checkpoints COPIES]
 *     verify an export or an evidence bundle offline, no database; COPIES is a file of
 *     checkpoint notes held elsewhere (checkpoints.jsonl or a single note)
 */
import { open, readFile } from "node:fs/promises";
import { createDb } from "@/db/client";
import { looksLikeBundle, verifyEvidenceBundle } from "../ledger/bundle";
import { parseVerifierKey } from "../ledger/checkpoint";
import { verifyExport } from "../ledger/export";
import {
  ledgerConfig,
  loadVerifier,
  parseCheckpointCopies,
  readOutsideCheckpoints,
  witnessConfig,
} from "../ledger/config";
import { verifyStoredLedger } from "../ledger/verify-db";
import type { VerifyReport } from "../ledger/verify";
import { describeMismatch, reconcileState, type StateReport } from "../ledger/reconcile";
import { openDatabase } from "./database";

const args = process.argv.slice(2);
/** Options that take a value: the value is not the file argument. */
const VALUE_OPTIONS = ["--key", "--checkpoints"];
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const trustedKey = option("--key");
const checkpointCopies = option("--checkpoints");
const withState = args.includes("--state");
const file = args.find((a, i) => !a.startsWith("--") && !VALUE_OPTIONS.includes(args[i - 1] ?? ""));

function printState(state: StateReport): void {
  console.log(`state: ${state.rows} rows reconciled with ${state.entries} entries`);
  if (state.ok) console.log("OK: the tables match the ledger.");
  else {
    console.log(`STATE MISMATCH: ${state.mismatches.length} rows differ from the ledger`);
    for (const m of state.mismatches) console.log(`  - ${describeMismatch(m)}`);
  }
}

function print(report: VerifyReport, what = "the ledger", state: StateReport | null = null): never {
  console.log(`entries: ${report.entries}, checkpoints checked: ${report.checkpointsChecked}`);
  if (report.latestCheckpoint) {
    console.log(
      `latest checkpoint: size ${report.latestCheckpoint.size}, root ${report.latestCheckpoint.root}`,
    );
  }
  if (report.witnessedThrough !== null) {
    console.log(`witnessed: checkpoints up to size ${report.witnessedThrough} carry the witnesses' quorum`);
  }
  if (report.ok) {
    if (!report.caveats.length) console.log(`OK: ${what} verifies.`);
    else console.log(`OK, within these limits: ${what} verifies as far as its signed checkpoints reach.`);
    for (const c of report.caveats) console.log(`  not covered: ${c}`);
    if (state) printState(state);
    process.exit(state && !state.ok ? 1 : 0);
  }
  console.log(`FAILED: first bad entry ${report.firstBadSeq ?? "(none: checkpoint problem)"}`);
  for (const p of report.problems) console.log(`  - ${p.message}`);
  for (const c of report.caveats) console.log(`  not covered: ${c}`);
  if (state) printState(state);
  process.exit(1);
}

/** The first bytes of the file: enough to tell a bundle from an export without reading it all. */
async function head(path: string): Promise<string> {
  const handle = await open(path, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
    return buffer.toString("utf8", 0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Trust, in order: --key, LEDGER_VERIFIER_KEY, this installation's own key; else the file's (with a warning). */
async function offlineKey(): Promise<string | null> {
  if (trustedKey) return trustedKey;
  return loadVerifier().then(
    (v) => v.verifierKey,
    () => null,
  );
}

async function main() {
  const witnesses = witnessConfig()?.policy ?? null;
  if (file && looksLikeBundle(await head(file))) {
    const report = verifyEvidenceBundle(await readFile(file, "utf8"), await offlineKey(), witnesses);
    if (report.keyFromFile) console.log(`warning: trusting the key inside the bundle: ${report.verifierKey}`);
    if (report.scope) {
      const scope = report.scope;
      console.log(
        `evidence bundle for ${scope.kind === "case" ? `case ${scope.caseKey}` : `${scope.from} to ${scope.to}`}`,
      );
    }
    print(report, "the evidence bundle");
  } else if (file) {
    const started = performance.now();
    const checkpoints = checkpointCopies
      ? parseCheckpointCopies(await readFile(checkpointCopies, "utf8"))
      : [];
    const report = await verifyExport(file, { trustedKey: await offlineKey(), checkpoints, witnesses });
    if (report.keyFromFile) console.log(`warning: trusting the key inside the export: ${report.verifierKey}`);
    if (report.fileKeyDiffers) {
      console.log(
        `warning: the export names the verifier key ${report.fileKeyDiffers}, not the trusted ${report.verifierKey}: ` +
          "it was signed with another key, or its header was changed",
      );
    }
    if (checkpoints.length) console.log(`checkpoint copies from ${checkpointCopies}: ${checkpoints.length}`);
    console.log(`verified offline in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    print(report);
  } else {
    const database = await openDatabase();
    const { db, close } = createDb(database.url, { max: 1 });
    let report: VerifyReport;
    let state: StateReport | null = null;
    try {
      const run = verifyStoredLedger(db, {
        verifier: trustedKey ? parseVerifierKey(trustedKey) : (await loadVerifier()).verifier,
        origin: ledgerConfig().origin,
        outsideNotes: await readOutsideCheckpoints(),
        witnesses,
      });
      for (;;) {
        const step = await run.next();
        if (step.done) {
          report = step.value;
          break;
        }
        process.stderr.write(`\rchecked ${step.value.checked} / ${step.value.total}`);
      }
      process.stderr.write("\n");
      if (withState) state = await reconcileState(db);
    } finally {
      await close();
      await database.stop();
    }
    print(report, "the ledger", state);
  }
}

main().catch((error: unknown) => {
  console.error(`ledger:verify: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
