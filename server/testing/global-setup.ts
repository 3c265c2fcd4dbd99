/**
 * One PostgreSQL per test run: DATABASE_URL when set (a role allowed to CREATE
 * DATABASE), otherwise an embedded server in a temporary directory. A migrated
 * template database is made once; each test file clones it (see ./db.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { enableRoleLogins } from "@/db/roles";
import { env } from "../env";
import { databaseUrl, TEST_ROLE_PASSWORDS } from "./urls";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  let adminUrl = env().DATABASE_URL;
  let stopServer = async () => {};
  if (!adminUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), "casefile-test-"));
    const server = await startEmbeddedPostgres({ dir, persistent: false });
    adminUrl = server.adminUrl;
    stopServer = async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const template = `casefile_template_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${template}`);
  await admin.unsafe(`create database ${template}`);
  await runMigrations(databaseUrl(adminUrl, template));
  await enableRoleLogins(databaseUrl(adminUrl, template), TEST_ROLE_PASSWORDS);
  project.provide("pgAdminUrl", adminUrl);
  project.provide("templateDatabase", template);

  return async () => {
    await admin.unsafe(`drop database if exists ${template} with (force)`);
    await admin.end();
    await stopServer();
  };
}
