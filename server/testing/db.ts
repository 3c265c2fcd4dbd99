import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, inject } from "vitest";
import { createDb } from "@/db/client";
import { APP_ROLE, LEDGER_ROLE, urlAs } from "@/db/roles";
import { databaseUrl, TEST_ROLE_PASSWORDS } from "./urls";

/**
 * A fresh database for one test file, cloned from the migrated template and
 * dropped when the file's tests end. `db`/`sql` connect as the application's
 * role, `ledger` as the integrator's, `owner` as the schema owner (a superuser
 * here, for tampering tests). Call at the top level of a test file.
 */
export async function testDatabase(options: { migrated?: boolean } = {}) {
  const adminUrl = inject("pgAdminUrl");
  const name = `casefile_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const template = options.migrated === false ? "template0" : inject("templateDatabase");
  await admin.unsafe(`create database ${name} template ${template}`);
  const ownerUrl = databaseUrl(adminUrl, name);
  const url = urlAs(ownerUrl, APP_ROLE, TEST_ROLE_PASSWORDS.app);
  const ledgerUrl = urlAs(ownerUrl, LEDGER_ROLE, TEST_ROLE_PASSWORDS.ledger);
  const app = createDb(url);
  const ledger = createDb(ledgerUrl, { max: 2 });
  const owner = createDb(ownerUrl, { max: 2 });
  afterAll(async () => {
    await Promise.all([app.close(), ledger.close(), owner.close()]);
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  return { db: app.db, sql: app.sql, url, ledger, ledgerUrl, owner, ownerUrl, name };
}
