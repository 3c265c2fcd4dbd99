/**
 * Casefile's background work, in one place: ledger integration and checkpoints, the webhook
 * outbox, request expiry and interrupted-run sweeps, anomaly detectors and scheduled ledger
 * verification. The server process runs it by default; `npm run worker` runs it on its own.
 * Any number of processes may run it: the integrator is one leader at a time, the sweeps and
 * the outbox are safe to run concurrently.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { createDb } from "@/db/client";
import { verifyAndRecord } from "../compliance/ledger-check";
import { runDetectors } from "../compliance/findings";
import { env } from "../env";
import { parseVerifierKey } from "../ledger/checkpoint";
import { ledgerConfig, loadSigner, readOutsideCheckpoints, witnessConfig } from "../ledger/config";
import { WitnessCollector } from "../ledger/witness-client";
import { LedgerIntegrator } from "../ledger/integrator";
import { integrationLag, lagAlarm } from "../ledger/lag";
import { Leadership } from "../ledger/leader";
import { failInterrupted } from "../requests/executions";
import { expireDue } from "../requests/lifecycle";
import { deliverWebhooks } from "../requests/webhook-delivery";
import { startNotifier } from "../notify/run";
import { beat } from "./heartbeat";

export type Workers = { stop: () => Promise<void> };

export async function startWorkers(options: {
  /** The application's connection (casefile_app). */
  appUrl: string;
  /** The ledger integrator's connection (casefile_ledger). */
  ledgerUrl: string;
  log?: (message: string) => void;
}): Promise<Workers> {
  const log = options.log ?? ((message: string) => console.error(message));
  const config = env();
  const ledger = ledgerConfig();
  const signer = await loadSigner();
  const appDb = createDb(options.appUrl, { max: 2 });
  const ledgerDb = createDb(options.ledgerUrl, { max: 2 });
  const witnesses = witnessConfig();
  const integrator = new LedgerIntegrator({
    db: ledgerDb.db,
    signer,
    origin: ledger.origin,
    checkpointDir: ledger.checkpointDir,
    witnesses: witnesses ? new WitnessCollector(ledgerDb.db, witnesses.endpoints, log) : null,
    log,
  });
  const worker = { id: randomUUID(), host: hostname(), pid: process.pid };
  const failed = (what: string) => (error: unknown) =>
    log(`${what}: ${error instanceof Error ? error.message : String(error)}`);

  // Requests not decided in time expire (by the database clock); interrupted runs (a process
  // died mid-execution) are failed.
  const sweep = () => {
    expireDue(appDb.db).catch(failed("request expiry"));
    failInterrupted(appDb.db).catch(failed("execution sweep"));
  };
  const detect = () =>
    runDetectors(appDb.db, { orgTimeZone: config.CASEFILE_TIMEZONE }).catch(failed("anomaly detectors"));
  const verify = async () => {
    const result = await verifyAndRecord(appDb.db, {
      verifier: parseVerifierKey(ledger.verifierKey ?? signer.verifierKey),
      origin: ledger.origin,
      outsideNotes: await readOutsideCheckpoints(),
    }).catch(failed("ledger verification"));
    if (result && !result.ok) log("LEDGER VERIFICATION FAILED: see Compliance");
    if (result && !result.stateOk) log("LEDGER STATE RECONCILIATION FAILED: see Compliance");
  };
  // Integration lag is watched on its own, more often than the detectors: the log says it first.
  const watchLag = () =>
    integrationLag(appDb.db)
      .then((lag) => {
        const alarm = lagAlarm(lag, config.LEDGER_LAG_ALERT_SECONDS);
        if (alarm) log(`LEDGER ALARM: ${alarm}`);
      })
      .catch(failed("ledger lag"));
  const heartbeat = () => beat(appDb.db, worker).catch(failed("worker heartbeat"));

  const notifier = startNotifier(appDb.db, log);

  const leadership = new Leadership(options.ledgerUrl, log);
  integrator.start({ leadership });
  sweep();
  void heartbeat();
  const timers = [
    setInterval(sweep, 10_000),
    setInterval(() => void detect(), 60_000),
    setInterval(() => void verify(), 600_000),
    setInterval(() => void deliverWebhooks(appDb.db).catch(failed("webhook outbox")), 2_000),
    setInterval(() => void heartbeat(), 15_000),
    setInterval(() => void watchLag(), 15_000),
    setInterval(() => void notifier.tick(), 3_000),
  ];
  const first = setTimeout(() => void verify().then(detect), 5_000);
  first.unref();

  return {
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      notifier.close();
      clearTimeout(first);
      await integrator.stop().catch(() => undefined);
      await appDb.close().catch(() => undefined);
      await ledgerDb.close().catch(() => undefined);
    },
  };
}
