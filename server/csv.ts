/**
 * The one CSV writer: RFC 4180 quoting (a field holding a comma, quote or line break is quoted,
 * quotes doubled), every line, the last included, ending with the chosen line end.
 *
 * Guarded by default: the files people open in a spreadsheet (the compliance reports, campaign
 * exports) must not run typed text as a formula. A text cell starting with = + - @, a tab or a
 * carriage return, or their full-width forms, gets a leading apostrophe (OWASP's advice),
 * whichever column it is in. Numbers, booleans and times are written as they are.
 *
 * `formulas: "raw"` is for the canonical evidence CSV only (server/actions/logs-query.ts):
 * evidence stays byte-exact, as collected, so its SHA-256 and custody hold.
 */
export type CsvCell = string | number | boolean | Date | null | undefined;

export type CsvOptions = {
  /** LF (the default) or CRLF, as RFC 4180 writes it. */
  lineEnd?: "\n" | "\r\n";
  /** "defuse" (the default) or "raw": text exactly as given, for evidence that must stay byte-exact. */
  formulas?: "defuse" | "raw";
};

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The text as a spreadsheet shows it without running it. */
export function defuse(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function field(value: CsvCell, raw: boolean): string {
  if (value === null || value === undefined) return "";
  const s =
    value instanceof Date
      ? value.toISOString()
      : typeof value === "string" && !raw
        ? defuse(value)
        : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Header and rows as CSV text. */
export function writeCsv(rows: readonly (readonly CsvCell[])[], options: CsvOptions = {}): string {
  const lineEnd = options.lineEnd ?? "\n";
  const raw = options.formulas === "raw";
  return rows.map((row) => row.map((value) => field(value, raw)).join(",")).join(lineEnd) + lineEnd;
}
