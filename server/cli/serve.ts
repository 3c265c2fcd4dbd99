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
import { isEmpty, seedDemo } from "@/db/seed";
import { ensureActionTypes } from "../actions/types";
import { seedDemoCases } from "../cases/demo";
import { expireDue } from "../requests/requests";
import { childEnv, env } from "../env";
import { LedgerIntegrator } from "../ledger/integrator";
import { ledgerConfig, loadSigner } from "../ledger/config";
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
    await integrator.stop().catch(() => undefined);
    await appDb.close().catch(() => undefined);
    await ledgerDb.close().catch(() => undefined);
    await database.stop().catch(() => undefined);
  };
  const appDb = createDb(database.url, { max: 2 });
  const timers: { sweeper?: NodeJS.Timeout } = {};
  try {
    const added = await ensureActionTypes(appDb.db);
    if (added.length) console.log(`Action catalogue: added ${added.join(", ")}`);
    const seed =
      config.CASEFILE_SEED_DEMO === "true" || (config.CASEFILE_SEED_DEMO === "auto" && database.embedded);
    if (seed) {
      const { db, close } = createDb(database.url, { max: 1 });
      try {
        if (await isEmpty(db)) {
          printDemoAccounts(await seedDemo(db, config.CASEFILE_DEMO_PASSWORD));
          await seedDemoCases(db);
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
  timers.sweeper = setInterval(() => {
    expireDue(appDb.db).catch((error: unknown) => console.error(`request expiry: ${String(error)}`));
  }, 10_000);
  const port = String(config.PORT);
  const publicUrl = config.NEXTAUTH_URL ?? `http://localhost:${port}`;
  const child = spawn(
    process.execPath,
    [nextBin, dev ? "dev" : "start", "--port", port, "--hostname", config.BIND_ADDRESS],
    {
      stdio: "inherit",
      env: childEnv({
        DATABASE_URL: database.url,
        AUTH_SECRET: await authSecret(path.resolve(config.CASEFILE_DATA_DIR)),
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
