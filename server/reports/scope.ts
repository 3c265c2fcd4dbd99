import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { cases } from "@/db/schema";
import { DomainError } from "../errors";
import type { JsonValue } from "../ledger/canonical";

/** What a report covers: a period [from, to) of UTC instants, or one case (all of its history). */
export type ReportScope =
  | { kind: "period"; from: Date; to: Date }
  | { kind: "case"; caseId: string; caseKey: string; caseTitle: string };

/** Raw input, as query parameters carry it: `from` + `to`, or `case` (its id or its key). */
export type ScopeInput = { from?: string | null; to?: string | null; case?: string | null };

export const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;
// A date (UTC midnight) or an ISO 8601 date-time with an explicit offset: never local time.
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CASE_KEY = /^CASE-\d{4}-\d{4,}$/i;

function instant(value: string, field: "from" | "to"): Date {
  const at = INSTANT.test(value) ? new Date(value) : null;
  if (!at || Number.isNaN(at.getTime())) {
    throw new DomainError(
      "BAD_REQUEST",
      `${field} must be a date (YYYY-MM-DD, UTC) or an ISO 8601 date-time with a time zone`,
      { field },
    );
  }
  return at;
}

/** Checks the input and finds the case; BAD_REQUEST names the field at fault. */
export async function resolveScope(db: DbOrTx, input: ScopeInput): Promise<ReportScope> {
  const ref = input.case?.trim();
  const from = input.from?.trim();
  const to = input.to?.trim();
  if (ref) {
    if (from || to) {
      throw new DomainError("BAD_REQUEST", "Choose a period or a case, not both", { field: "case" });
    }
    if (!UUID.test(ref) && !CASE_KEY.test(ref)) {
      throw new DomainError("BAD_REQUEST", "case must be a case key (CASE-2026-0001) or id", {
        field: "case",
      });
    }
    const [row] = await db
      .select({ id: cases.id, key: cases.key, title: cases.title })
      .from(cases)
      .where(UUID.test(ref) ? eq(cases.id, ref.toLowerCase()) : eq(cases.key, ref.toUpperCase()));
    if (!row) throw new DomainError("NOT_FOUND", `No case ${ref}`, { field: "case" });
    return { kind: "case", caseId: row.id, caseKey: row.key, caseTitle: row.title };
  }
  if (!from) throw new DomainError("BAD_REQUEST", "from is required (or choose a case)", { field: "from" });
  if (!to) throw new DomainError("BAD_REQUEST", "to is required (or choose a case)", { field: "to" });
  const start = instant(from, "from");
  const end = instant(to, "to");
  if (end <= start) throw new DomainError("BAD_REQUEST", "to must be after from", { field: "to" });
  if (end.getTime() - start.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw new DomainError("BAD_REQUEST", `A period may span at most ${MAX_PERIOD_DAYS} days`, {
      field: "to",
    });
  }
  return { kind: "period", from: start, to: end };
}

/** The scope as written into ledger entries and bundles. */
export function scopeJson(scope: ReportScope): { [key: string]: JsonValue } {
  return scope.kind === "period"
    ? { kind: "period", from: scope.from.toISOString(), to: scope.to.toISOString() }
    : { kind: "case", caseId: scope.caseId, caseKey: scope.caseKey };
}

export function scopeLabel(scope: ReportScope): string {
  return scope.kind === "period"
    ? `Period ${scope.from.toISOString()} to ${scope.to.toISOString()} (UTC, end excluded)`
    : `Case ${scope.caseKey}: ${scope.caseTitle}`;
}

/** For file names: only characters every file system takes. */
export function scopeSlug(scope: ReportScope): string {
  if (scope.kind === "case") return scope.caseKey;
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return `${day(scope.from)}_${day(scope.to)}`;
}

/**
 * A bound in the ledger's own `at` format (microseconds), so that text comparison
 * with entries' `at` is time comparison: ".000Z" would sort after ".000000Z".
 */
export function ledgerTime(at: Date): string {
  return at.toISOString().replace(/Z$/, "000Z");
}
