import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { createDb } from "./client";

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

// Arbitrary but fixed: several instances starting together migrate one at a time.
const MIGRATION_LOCK = 7_412_001;

export async function runMigrations(url: string): Promise<void> {
  const { db, sql, close } = createDb(url, { max: 1 });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(db, { migrationsFolder });
  } finally {
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => undefined);
    await close();
  }
}
