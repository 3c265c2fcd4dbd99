import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, inject } from "vitest";
import { createDb } from "@/db/client";
import { databaseUrl } from "./urls";

/**
 * A fresh database for one test file, cloned from the migrated template, and
 * dropped when the file's tests end. Call at the top level of a test file.
 */
export async function testDatabase(options: { migrated?: boolean } = {}) {
  const adminUrl = inject("pgAdminUrl");
  const name = `casefile_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const template = options.migrated === false ? "template0" : inject("templateDatabase");
  await admin.unsafe(`create database ${name} template ${template}`);
  const url = databaseUrl(adminUrl, name);
  const handle = createDb(url);
  afterAll(async () => {
    await handle.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  return { ...handle, url, name };
}
