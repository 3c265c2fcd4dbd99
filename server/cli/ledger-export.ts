import path from "node:path";
import { createDb } from "@/db/client";
import { exportLedger } from "../ledger/export";
import { ledgerConfig, loadVerifier, readOutsideCheckpoints } from "../ledger/config";
import { openDatabase } from "./database";

const file = process.argv[2];
if (!file) {
  console.error("usage: npm run ledger:export -- FILE");
  process.exit(2);
}
async function main(target: string) {
  const database = await openDatabase();
  const { db, close } = createDb(database.url, { max: 1 });
  try {
    const { verifierKey } = await loadVerifier();
    const result = await exportLedger(db, path.resolve(target), {
      origin: ledgerConfig().origin,
      verifierKey,
      outsideNotes: await readOutsideCheckpoints(),
    });
    console.log(`Exported ${result.entries} entries and ${result.checkpoints} checkpoints to ${target}`);
    console.log(`Verifier key: ${verifierKey}`);
  } finally {
    await close();
    await database.stop();
  }
}

main(file).catch((error: unknown) => {
  console.error(`ledger:export: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
