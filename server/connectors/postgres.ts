/** Short-lived connections to evidence stores and target databases. */
import postgres from "postgres";
import type { PostgresConfig } from "./config";

/** Every statement on a connector is bounded: a hung target fails the execution, not the app. */
export const STATEMENT_TIMEOUT_MS = 10_000;

export async function withConnector<T>(
  config: PostgresConfig,
  run: (sql: postgres.Sql) => Promise<T>,
): Promise<T> {
  const sql = postgres(config.url, {
    max: 1,
    connect_timeout: 5,
    idle_timeout: 1,
    onnotice: () => {},
    prepare: false,
    connection: { application_name: "casefile", statement_timeout: STATEMENT_TIMEOUT_MS },
  });
  try {
    return await run(sql);
  } catch (error) {
    throw new Error(connectorMessage(error));
  } finally {
    await sql.end({ timeout: 2 }).catch(() => undefined);
  }
}

/** A connector failure in words, without the connection string. */
function connectorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  if (code === "ECONNREFUSED")
    return "The database refused the connection (is it running, is the port right?)";
  if (code === "ENOTFOUND") return "The database host name does not resolve";
  if (code === "CONNECT_TIMEOUT") return "The database did not answer within 5 seconds";
  if (code === "57014")
    return `The statement ran longer than ${STATEMENT_TIMEOUT_MS / 1000} s and was cancelled`;
  return error.message;
}

export async function probePostgres(config: PostgresConfig): Promise<string> {
  return withConnector(config, async (sql) => {
    const [row] = await sql<{ who: string; db: string; version: string }[]>`
      select current_user as who, current_database() as db, current_setting('server_version') as version`;
    return `Connected to ${row?.db ?? "?"} as ${row?.who ?? "?"} (PostgreSQL ${row?.version ?? "?"})`;
  });
}
