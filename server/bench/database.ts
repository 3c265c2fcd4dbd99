import { createDb } from "@/db/client";
import { ensureDatabase, startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { APP_ROLE, enableRoleLogins, LEDGER_ROLE, urlAs } from "@/db/roles";

const PASSWORDS = { app: "bench-app", ledger: "bench-ledger" };

/**
 * A fresh, migrated database on its own embedded PostgreSQL under `dir`
 * (wiped first), with connections as the application and ledger roles.
 */
export async function benchDatabase(dir: string) {
  const cluster = await startEmbeddedPostgres({ dir, persistent: false, reset: true });
  await ensureDatabase(cluster.adminUrl, "casefile_bench");
  const ownerUrl = cluster.urlFor("casefile_bench");
  await runMigrations(ownerUrl);
  await enableRoleLogins(ownerUrl, PASSWORDS);
  return {
    ownerUrl,
    appUrl: urlAs(ownerUrl, APP_ROLE, PASSWORDS.app),
    ledgerUrl: urlAs(ownerUrl, LEDGER_ROLE, PASSWORDS.ledger),
    connect: (url: string, max: number) => createDb(url, { max }),
    stop: () => cluster.stop(),
  };
}
