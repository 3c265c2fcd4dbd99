/**
 * Starts Casefile: resolves the database (embedded unless DATABASE_URL is set),
 * applies migrations, seeds the demo organisation on a first embedded start,
 * then runs `next start` (or `next dev` with --dev) and stops the database with it.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createDb } from "@/db/client";
import { readOrCreateSecret } from "@/db/embedded";
import { setUpDemoSystems } from "@/db/demo-systems";
import { isEmpty, seedDemo } from "@/db/seed";
import { ensureActionTypes } from "../actions/types";
import { seedDemoCases } from "../cases/demo";
import { useConnectorAllow } from "../connectors/egress";
import { deliverDue } from "../connectors/outbox";
import { newConnectorKey, useConnectorKey } from "../connectors/seal";
import { seedDemoHistory } from "../demo/history";
import { runSuspiciousSession, seedDemoConnectors } from "../demo/systems";
import { verifyAndRecord } from "../compliance/ledger-check";
import { runDetectors } from "../compliance/findings";
import { failInterrupted } from "../requests/executions";
import { expireDue } from "../requests/requests";
import { childEnv, env } from "../env";
import { LedgerIntegrator } from "../ledger/integrator";
import { ledgerConfig, loadSigner, readOutsideCheckpoints } from "../ledger/config";
import { parseVerifierKey } from "../ledger/checkpoint";
import { openDatabase } from "./database";
import { printDemoAccounts } from "./print-demo";

const dev = process.argv.includes("--dev");
const resetData = process.argv.includes("--reset-data");

async function authSecret(dataDir: string): Promise<string> {
  const configured = env().AUTH_SECRET;
  if (configured) return configured;
  const file = path.join(dataDir, "auth-secret");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** Seals connector secrets; lives in the data directory unless CASEFILE_CONNECTOR_KEY is set. */
async function connectorKey(dataDir: string): Promise<string> {
  const configured = env().CASEFILE_CONNECTOR_KEY;
  if (configured) return configured;
  const file = path.join(dataDir, "connector-key");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, newConnectorKey() + "\n", { mode: 0o600 });
  return (await readFile(file, "utf8")).trim();
}

async function main() {
  const config = env();
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  if (!dev && !existsSync(path.resolve(".next", "BUILD_ID"))) {
    throw new Error("No production build found: run `npm run build` first (or `npm start`, which builds).");
  }
  const database = await openDatabase({ resetData, publish: true });
  const ledgerDb = createDb(database.ledgerUrl, { max: 2 });
  const ledger = ledgerConfig();
  const signer = await loadSigner();
  const integrator = new LedgerIntegrator({
    db: ledgerDb.db,
    signer,
    origin: ledger.origin,
    checkpointDir: ledger.checkpointDir,
    log: (message) => console.error(message),
  });
  let stopping = false;
  const stopDatabase = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(timers.sweeper);
    clearInterval(timers.outbox);
    clearInterval(timers.detectors);
    clearInterval(timers.verify);
    await demoSession?.stop();
    await integrator.stop().catch(() => undefined);
    await appDb.close().catch(() => undefined);
    await ledgerDb.close().catch(() => undefined);
    await database.stop().catch(() => undefined);
  };
  const appDb = createDb(database.url, { max: 2 });
  const timers: Partial<Record<"sweeper" | "outbox" | "detectors" | "verify", NodeJS.Timeout>> = {};
  let demoSession: { stop: () => Promise<void> } | undefined;
  // Set only for the embedded demo, whose systems listen on loopback (below).
  let connectorAllow = config.CASEFILE_CONNECTOR_ALLOW;
  const dataDir = path.resolve(config.CASEFILE_DATA_DIR);
  const keyForConnectors = await connectorKey(dataDir);
  useConnectorKey(keyForConnectors);
  try {
    const added = await ensureActionTypes(appDb.db);
    if (added.length) console.log(`Action catalogue: added ${added.join(", ")}`);
    const seed =
      config.CASEFILE_SEED_DEMO === "true" || (config.CASEFILE_SEED_DEMO === "auto" && database.embedded);
    if (seed) {
      const { db, close } = createDb(database.url, { max: 1 });
      try {
        const first = await isEmpty(db);
        if (first) {
          printDemoAccounts(await seedDemo(db, config.CASEFILE_DEMO_PASSWORD));
          await seedDemoCases(db);
          await seedDemoHistory(db);
        }
        // The systems the demo's actions reach live on the embedded server only.
        if (database.embedded) {
          // Its connectors reach the embedded server on loopback: allowed by setting, unless the
          // operator chose the allow-list themselves.
          if (connectorAllow === undefined) {
            connectorAllow = "127.0.0.1/32";
            useConnectorAllow(connectorAllow);
            console.log("Demo: connectors may reach 127.0.0.1 (CASEFILE_CONNECTOR_ALLOW=127.0.0.1/32)");
          }
          const secret = (name: string) =>
            readOrCreateSecret(path.join(dataDir, `postgres-${name}-password`));
          const started = Date.now();
          const systems = await setUpDemoSystems(database.ownerUrl, {
            passwords: {
              reader: await secret("reader"),
              responder: await secret("responder"),
              suspect: await secret("suspect"),
            },
            backgroundRows: config.CASEFILE_DEMO_EVIDENCE_ROWS,
          });
          if (first) {
            const added = await seedDemoConnectors(db, systems);
            console.log(
              `Demo connectors: ${added.join(", ")} (${Math.round((Date.now() - started) / 1000)} s)`,
            );
          }
          demoSession = runSuspiciousSession(systems.suspectUrl, (line) => console.log(line));
        }
      } finally {
        await close();
      }
    }
  } catch (error) {
    await stopDatabase();
    throw error;
  }

  integrator.start();
  // Requests not decided in time expire (by the database clock); any instance may sweep.
  // Interrupted runs (a process died mid-execution) are failed; any instance may sweep.
  const sweep = () => {
    expireDue(appDb.db).catch((error: unknown) => console.error(`request expiry: ${String(error)}`));
    failInterrupted(appDb.db).catch((error: unknown) => console.error(`execution sweep: ${String(error)}`));
  };
  sweep();
  timers.sweeper = setInterval(sweep, 10_000);
  // Compliance: the anomaly detectors every minute, a full ledger verification every ten.
  const detect = () =>
    runDetectors(appDb.db, { orgTimeZone: config.CASEFILE_TIMEZONE }).catch((error: unknown) =>
      console.error(`anomaly detectors: ${String(error)}`),
    );
  const verify = async () => {
    const result = await verifyAndRecord(appDb.db, {
      verifier: parseVerifierKey(ledger.verifierKey ?? signer.verifierKey),
      origin: ledger.origin,
      outsideNotes: await readOutsideCheckpoints(),
    }).catch((error: unknown) => console.error(`ledger verification: ${String(error)}`));
    if (result && !result.ok) console.error("LEDGER VERIFICATION FAILED: see Compliance");
  };
  timers.detectors = setInterval(() => void detect(), 60_000);
  timers.verify = setInterval(() => void verify(), 600_000);
  setTimeout(() => void verify().then(detect), 5_000).unref();
  timers.outbox = setInterval(() => {
    deliverDue(appDb.db).catch((error: unknown) => console.error(`webhook outbox: ${String(error)}`));
  }, 2_000);
  const port = String(config.PORT);
  const publicUrl = config.NEXTAUTH_URL ?? `http://localhost:${port}`;
  const child = spawn(
    process.execPath,
    [nextBin, dev ? "dev" : "start", "--port", port, "--hostname", config.BIND_ADDRESS],
    {
      stdio: "inherit",
      env: childEnv({
        DATABASE_URL: database.url,
        AUTH_SECRET: await authSecret(dataDir),
        CASEFILE_CONNECTOR_KEY: keyForConnectors,
        ...(connectorAllow === undefined ? {} : { CASEFILE_CONNECTOR_ALLOW: connectorAllow }),
        NEXTAUTH_URL: publicUrl,
        // The web process verifies checkpoints; it never holds the signing key.
        LEDGER_VERIFIER_KEY: ledger.verifierKey ?? signer.verifierKey,
      }),
    },
  );
  console.log(`\nCasefile\n  database  ${database.describe}\n  app       ${publicUrl}\n`);

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => {
    void stopDatabase().then(() => process.exit(code ?? (signal ? 0 : 1)));
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
