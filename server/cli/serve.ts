/**
 * Starts Casefile: resolves the database (embedded unless DATABASE_URL is set),
 * applies migrations, seeds the demo organisation on a first embedded start,
 * then runs `next start` (or `next dev` with --dev) and stops the database with it.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readOrCreateSecret } from "@/db/embedded";
import { setUpDemoSystems } from "../demo/system-databases";
import { isEmpty, seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { seedDemoCases } from "../demo/cases";
import { useConnectorAllow } from "../connectors/egress";
import { useConnectorKey } from "../connectors/seal";
import { seedDemoHistory } from "../demo/history";
import { runSuspiciousSession, seedDemoConnectors } from "../demo/systems";
import { createDb } from "@/db/client";
import { childEnv, env } from "../env";
import { ledgerConfig, loadSigner } from "../ledger/config";
import { startWorkers, type Workers } from "../jobs/workers";
import { openDatabase } from "./database";
import { printDemoAccounts } from "../demo/print-accounts";
import { authSecret, connectorKey } from "./secrets";

const dev = process.argv.includes("--dev");
const resetData = process.argv.includes("--reset-data");

async function main() {
  const config = env();
  if (!dev && !existsSync(path.resolve(".next", "BUILD_ID"))) {
    throw new Error("No production build found: run `npm run build` first (or `npm start`, which builds).");
  }
  const database = await openDatabase({ resetData, publish: true, sessions: true });
  // The web process verifies checkpoints and never holds the signing key; the key file is
  // read (or created) here only when no verifier key is configured.
  const verifierKey = ledgerConfig().verifierKey ?? (await loadSigner()).verifierKey;
  let stopping = false;
  let workers: Workers | undefined;
  const stopDatabase = async () => {
    if (stopping) return;
    stopping = true;
    await demoSession?.stop();
    await workers?.stop();
    await appDb.close().catch(() => undefined);
    await database.stop().catch(() => undefined);
  };
  const appDb = createDb(database.url, { max: 2 });
  let demoSession: { stop: () => Promise<void> } | undefined;
  // Set only for the embedded demo, whose systems listen on loopback (below).
  let connectorAllow = config.CASEFILE_CONNECTOR_ALLOW;
  const dataDir = path.resolve(config.CASEFILE_DATA_DIR);
  const keyForConnectors = await connectorKey();
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

  // Background work runs here unless it runs in its own process (`npm run worker`).
  if (config.CASEFILE_WORKERS === "in-process") {
    workers = await startWorkers({ appUrl: database.url, ledgerUrl: database.ledgerUrl });
  }
  const port = String(config.PORT);
  const publicUrl = config.NEXTAUTH_URL ?? `http://localhost:${port}`;
  // The web server (server/cli/web.ts) runs Next.js and stamps each request with its socket peer.
  const webServer = path.join(path.dirname(fileURLToPath(import.meta.url)), "web.ts");
  const child = spawn(process.execPath, ["--import", "tsx", webServer, ...(dev ? ["--dev"] : [])], {
    stdio: "inherit",
    env: childEnv({
      DATABASE_URL: database.url,
      AUTH_SECRET: await authSecret(),
      CASEFILE_CONNECTOR_KEY: keyForConnectors,
      ...(connectorAllow === undefined ? {} : { CASEFILE_CONNECTOR_ALLOW: connectorAllow }),
      NEXTAUTH_URL: publicUrl,
      LEDGER_VERIFIER_KEY: verifierKey,
    }),
  });
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
