import type postgres from "postgres";

/**
 * Runs `write` as the schema owner with the named tables' own triggers switched off, as an owner
 * tampering with the tables would (or a fixture or bench writing a synthetic past); in one transaction, which puts
 * every trigger back exactly as it was (ALWAYS stays ALWAYS) before it commits.
 */
export async function asOwnerUnguarded<T>(
  owner: postgres.Sql,
  tables: string[],
  write: (sql: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  const result = await owner.begin(async (sql) => {
    const triggers = await sql<{ tbl: string; name: string; enabled: string }[]>`
      select c.relname as tbl, tg.tgname as name, tg.tgenabled as enabled
      from pg_trigger tg join pg_class c on c.oid = tg.tgrelid
      where c.relname = any(${tables}) and not tg.tgisinternal`;
    for (const tr of triggers) await sql.unsafe(`alter table "${tr.tbl}" disable trigger "${tr.name}"`);
    const out = await write(sql);
    for (const tr of triggers) {
      const mode = tr.enabled === "A" ? "always " : tr.enabled === "R" ? "replica " : "";
      await sql.unsafe(`alter table "${tr.tbl}" enable ${mode}trigger "${tr.name}"`);
    }
    return out;
  });
  return result as T;
}
