import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import type { PgTransaction } from "drizzle-orm/pg-core";
import type { PostgresJsQueryResultHKT } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export function createDb(url: string, options: { max?: number } = {}) {
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  const db = drizzle({ client: sql, schema, casing: "snake_case" });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

/** The pool: what opens transactions. */
export type Db = ReturnType<typeof createDb>["db"];
/**
 * A transaction. Whatever must happen inside one (a ledger append, a grant's use, a state
 * change with its entry) takes only this, so handing it the pool does not typecheck.
 */
export type Tx = PgTransaction<
  PostgresJsQueryResultHKT,
  typeof schema,
  ExtractTablesWithRelations<typeof schema>
>;
/** Either: for reads, and for work that is whole in one statement. */
export type DbOrTx = Db | Tx;
