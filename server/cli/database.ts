import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ensureDatabase, readOrCreateSecret, startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { APP_ROLE, enableRoleLogins, LEDGER_ROLE, urlAs } from "@/db/roles";
import { env } from "../env";
import { requireSession } from "./session-check";

export type OpenDatabase = {
  /** The application's connection (casefile_app). */
  url: string;
  /** The ledger integrator's connection (casefile_ledger). */
  ledgerUrl: string;
  /** The schema owner's connection (migrations). */
  ownerUrl: string;
  embedded: boolean;
  describe: string;
  stop: () => Promise<void>;
};

const runtimeFile = () => path.resolve(env().CASEFILE_DATA_DIR, "runtime.json");

type Runtime = Omit<OpenDatabase, "stop" | "embedded"> & { databaseDir: string };

/** The cluster a running `npm start` serves, if one does. */
async function runningCluster(): Promise<Runtime | null> {
  if (!existsSync(runtimeFile())) return null;
  const running = JSON.parse(await readFile(runtimeFile(), "utf8")) as Runtime;
  const pidFile = path.join(running.databaseDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  try {
    process.kill(pid, 0);
    return running;
  } catch {
    return null;
  }
}

/**
 * DATABASE_URL when set, otherwise the embedded PostgreSQL under the data
 * directory (or the one a running `npm start` already serves); migrated.
 * `sessions` (the server and the worker): refuse connections that do not keep a
 * session, which live updates and the ledger's leader lock need (session-check.ts).
 */
export async function openDatabase(
  options: { resetData?: boolean; publish?: boolean; sessions?: boolean } = {},
): Promise<OpenDatabase> {
  const config = env();
  if (config.DATABASE_URL) {
    if (options.resetData) throw new Error("--reset-data only applies to the embedded database");
    const ownerUrl = config.DATABASE_OWNER_URL ?? config.DATABASE_URL;
    const ledgerUrl = config.LEDGER_DATABASE_URL ?? ownerUrl;
    if (options.sessions) {
      await requireSession(config.DATABASE_URL, "DATABASE_URL");
      if (ledgerUrl !== config.DATABASE_URL)
        await requireSession(
          ledgerUrl,
          config.LEDGER_DATABASE_URL ? "LEDGER_DATABASE_URL" : "DATABASE_OWNER_URL",
        );
    }
    await runMigrations(ownerUrl);
    return {
      url: config.DATABASE_URL,
      ledgerUrl,
      ownerUrl,
      embedded: false,
      describe: "external PostgreSQL (DATABASE_URL)",
      stop: async () => {},
    };
  }
  const dir = path.resolve(config.CASEFILE_DATA_DIR);
  // A running app owns the embedded cluster; tools connect to it rather than start another.
  const running = !options.resetData && !options.publish ? await runningCluster() : null;
  if (running) return { ...running, embedded: true, stop: async () => {} };
  if (options.resetData) {
    // The ledger's key and checkpoint copies belong to the database they sign.
    await rm(path.join(dir, "ledger"), { recursive: true, force: true });
  }
  const cluster = await startEmbeddedPostgres({ dir, reset: options.resetData });
  await ensureDatabase(cluster.adminUrl, "casefile");
  const ownerUrl = cluster.urlFor("casefile");
  await runMigrations(ownerUrl);
  const passwords = {
    app: await readOrCreateSecret(path.join(dir, "postgres-app-password")),
    ledger: await readOrCreateSecret(path.join(dir, "postgres-ledger-password")),
  };
  await enableRoleLogins(ownerUrl, passwords);
  const open = {
    url: urlAs(ownerUrl, APP_ROLE, passwords.app),
    ledgerUrl: urlAs(ownerUrl, LEDGER_ROLE, passwords.ledger),
    ownerUrl,
    describe: `embedded PostgreSQL (data in ${cluster.databaseDir})`,
    databaseDir: cluster.databaseDir,
  };
  if (options.publish) await writeFile(runtimeFile(), JSON.stringify(open), { mode: 0o600 });
  return {
    ...open,
    embedded: true,
    stop: async () => {
      if (options.publish) await rm(runtimeFile(), { force: true });
      await cluster.stop();
    },
  };
}
