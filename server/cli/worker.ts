/**
 * `npm run worker`: the background work (ledger integration and checkpoints, webhook outbox,
 * sweeps, detectors, scheduled verification) in its own process, against the same database as
 * the app (DATABASE_URL and LEDGER_DATABASE_URL, or the embedded database a running
 * `npm start` serves). Run the app with CASEFILE_WORKERS=separate to leave it to this process.
 */
import { useConnectorKey } from "../connectors/seal";
import { startWorkers } from "../jobs/workers";
import { openDatabase } from "./database";
import { connectorKey } from "./secrets";

async function main() {
  const database = await openDatabase({ sessions: true });
  useConnectorKey(await connectorKey());
  const workers = await startWorkers({ appUrl: database.url, ledgerUrl: database.ledgerUrl });
  console.log(`Casefile worker (pid ${process.pid}) on ${database.describe}`);
  const stop = () => {
    void workers
      .stop()
      .then(() => database.stop())
      .then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
