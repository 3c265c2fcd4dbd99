/**
 * npm run ledger:verify                 verify the live ledger (database + checkpoint copies)
 * npm run ledger:verify -- FILE [--key VERIFIER_KEY]   verify an export offline, no database
 */
import { createDb } from "@/db/client";
import { parseVerifierKey } from "../ledger/checkpoint";
import { verifyExport } from "../ledger/export";
import { ledgerConfig, loadVerifier, readOutsideCheckpoints } from "../ledger/config";
import { verifyStoredLedger } from "../ledger/verify-db";
import type { VerifyReport } from "../ledger/verify";
import { openDatabase } from "./database";

const args = process.argv.slice(2);
const keyAt = args.indexOf("--key");
const trustedKey = keyAt >= 0 ? args[keyAt + 1] : undefined;
const file = args.find((a, i) => !a.startsWith("--") && (keyAt < 0 || i !== keyAt + 1));

function print(report: VerifyReport): never {
  console.log(`entries: ${report.entries}, checkpoints checked: ${report.checkpointsChecked}`);
  if (report.latestCheckpoint) {
    console.log(
      `latest checkpoint: size ${report.latestCheckpoint.size}, root ${report.latestCheckpoint.root}`,
    );
  }
  if (report.unsignedTail) console.log(`not yet covered by a checkpoint: ${report.unsignedTail} entries`);
  if (report.ok) {
    console.log("OK: the ledger verifies.");
    process.exit(0);
  }
  console.log(`FAILED: first bad entry ${report.firstBadSeq ?? "(none: checkpoint problem)"}`);
  for (const p of report.problems) console.log(`  - ${p.message}`);
  process.exit(1);
}

async function main() {
  if (file) {
    const started = performance.now();
    // Trust, in order: --key, LEDGER_VERIFIER_KEY, this installation's own key; else the file's (with a warning).
    const localKey = await loadVerifier().then(
      (v) => v.verifierKey,
      () => null,
    );
    const report = await verifyExport(file, trustedKey ?? localKey);
    if (report.keyFromFile) console.log(`warning: trusting the key inside the export: ${report.verifierKey}`);
    console.log(`verified offline in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    print(report);
  } else {
    const database = await openDatabase();
    const { db, close } = createDb(database.url, { max: 1 });
    let report: VerifyReport;
    try {
      const run = verifyStoredLedger(db, {
        verifier: trustedKey ? parseVerifierKey(trustedKey) : (await loadVerifier()).verifier,
        origin: ledgerConfig().origin,
        outsideNotes: await readOutsideCheckpoints(),
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
    } finally {
      await close();
      await database.stop();
    }
    print(report);
  }
}

main().catch((error: unknown) => {
  console.error(`ledger:verify: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
