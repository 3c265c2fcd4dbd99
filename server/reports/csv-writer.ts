/**
 * The one CSV writer for files people open in a spreadsheet: the compliance
 * reports (requests, decisions, grants, executions) and campaign exports. RFC 4180
 * quoting (a field holding a comma, quote or line break is quoted, quotes doubled).
 * A text cell that a spreadsheet would run as a formula — one starting with = + - @,
 * a tab or a carriage return, or their full-width forms — gets a leading apostrophe
 * (OWASP's advice), whichever column it is in. Numbers, booleans and times are
 * written as they are.
 *
 * Not used for the canonical evidence CSV (toCsv in server/actions/logs-query.ts):
 * evidence stays byte-exact, as collected, so its SHA-256 and custody hold.
 */
export type CsvCell = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The text as a spreadsheet shows it without running it. */
export function defuse(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function field(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  const s =
    value instanceof Date ? value.toISOString() : typeof value === "string" ? defuse(value) : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Header and rows as CSV; every line, the last included, ends with `lineEnd`. */
export function spreadsheetCsv(rows: CsvCell[][], lineEnd: "\n" | "\r\n"): string {
  return rows.map((row) => row.map(field).join(",")).join(lineEnd) + lineEnd;
}
