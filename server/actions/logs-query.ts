/**
 * The evidence-store query behind `logs.query`. The SQL is built from the grant's
 * scope only — table and columns from the catalogue's allow-list, subject and time
 * range as bound parameters — and runs read-only with a statement timeout and a
 * row cap. Results become canonical CSV, hashed as stored.
 */
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import type postgres from "postgres";
import { writeCsv } from "../csv";
import { EVIDENCE_TABLES, type EvidenceTable } from "./catalogue";

/** Columns a subject is matched against, by what the subject looks like. */
const SUBJECT_COLUMNS: Record<EvidenceTable, { ip: string[]; name: string[] }> = {
  auth_logs: { ip: ["src_ip"], name: ["username"] },
  network_flows: { ip: ["src_ip", "dst_ip"], name: ["host"] },
  process_events: { ip: [], name: ["host", "username"] },
  db_audit: { ip: ["client_ip"], name: ["username", "database"] },
};

export type LogsQuery = {
  table: EvidenceTable;
  columns: string[];
  subject: string;
  from: string;
  to: string;
  rowCap: number;
};

function subjectColumns(q: LogsQuery): { columns: string[]; cast: "inet" | "text" } {
  const by = SUBJECT_COLUMNS[q.table];
  return isIP(q.subject) ? { columns: by.ip, cast: "inet" } : { columns: by.name, cast: "text" };
}

/** Why the evidence store cannot answer this scope (missing table or column), or null. */
export async function unsatisfiable(sql: postgres.Sql, q: LogsQuery): Promise<string | null> {
  if (!Object.hasOwn(EVIDENCE_TABLES, q.table)) return `the catalogue has no table ${q.table}`;
  const rows = await sql<{ column_name: string }[]>`
    select column_name from information_schema.columns
    where table_schema = current_schema() and table_name = ${q.table}`;
  if (rows.length === 0) return `the evidence store has no table ${q.table}`;
  const present = new Set(rows.map((r) => r.column_name));
  const needed = [...q.columns, "ts", ...subjectColumns(q).columns];
  const missing = [...new Set(needed.filter((c) => !present.has(c)))];
  if (missing.length) return `${q.table} in the evidence store has no column ${missing.join(", ")}`;
  if (subjectColumns(q).columns.length === 0)
    return `${q.table} cannot be filtered by ${isIP(q.subject) ? "an IP address" : "a name"}`;
  return null;
}

export type QueryResult = { columns: string[]; rows: Cell[][]; truncated: boolean };

export async function runLogsQuery(sql: postgres.Sql, q: LogsQuery): Promise<QueryResult> {
  const allowed: readonly string[] = EVIDENCE_TABLES[q.table];
  // Identifiers only ever come from the allow-list; values are bound parameters.
  const columns = q.columns.filter((c) => allowed.includes(c));
  if (columns.length !== q.columns.length)
    throw new Error("a column outside the catalogue reached the query");
  const subject = subjectColumns(q);
  const rows = await sql.begin("read only", async (tx) => {
    const match = subject.columns.map((c) =>
      subject.cast === "inet" ? tx`${tx(c)} = ${q.subject}::inet` : tx`${tx(c)} = ${q.subject}`,
    );
    const where = match.reduce((a, b) => tx`${a} or ${b}`);
    return tx<Record<string, unknown>[]>`
      select ${tx(columns)} from ${tx(q.table)}
      where (${where}) and ts >= ${q.from}::timestamptz and ts < ${q.to}::timestamptz
      order by ts, ${tx(columns)}
      limit ${q.rowCap + 1}`;
  });
  const truncated = rows.length > q.rowCap;
  return {
    columns,
    rows: rows.slice(0, q.rowCap).map((r) => columns.map((c) => canonicalValue(r[c]))),
    truncated,
  };
}

export type Cell = string | number | boolean | null;

function canonicalValue(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return value.toString();
  return JSON.stringify(value);
}

/**
 * The canonical evidence CSV: RFC 4180 with LF line ends, the same rows always giving the
 * same bytes. It stays byte-exact — values exactly as the store held them, none defused for
 * spreadsheets (the raw mode of ../csv.ts) — because its SHA-256
 * is the evidence's identity. Open it in a spreadsheet only with formulas disabled.
 */
export function toCsv(columns: string[], rows: Cell[][]): string {
  return writeCsv([columns, ...rows], { formulas: "raw" });
}

export function sha256Hex(content: string): string {
  return createHash("sha256").update(content, "utf8").digest("hex");
}
