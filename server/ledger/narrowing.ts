import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { readEntry } from "./entry";

export type RequestedAsk = { params: Record<string, unknown>; minutes: number | null; uses: number | null };

/**
 * For a `request.narrowed` entry: what the request asked for, read from the ledger's own
 * `request.created` entry for the same request (same case), so the explorer can show
 * requested against approved without reaching into the case tables. Null for other entries.
 */
export async function requestedBeforeNarrowing(db: DbOrTx, bodyText: string): Promise<RequestedAsk | null> {
  const entry = readEntry(bodyText);
  const subject = entry?.subjects[0];
  if (entry?.type !== "request.narrowed" || subject === undefined || entry.caseKey === null) return null;
  const [row] = await db.execute<{ params: unknown; minutes: unknown; uses: unknown }>(sql`
    select body::jsonb -> 'payload' -> 'params' as params, body::jsonb -> 'payload' -> 'minutes' as minutes,
      body::jsonb -> 'payload' -> 'uses' as uses
    from ledger_entries
    where type = 'request.created' and case_key = ${entry.caseKey} and body::jsonb -> 'subjects' ->> 0 = ${subject}
    order by seq limit 1`);
  if (!row || typeof row.params !== "object" || row.params === null) return null;
  return {
    params: row.params as Record<string, unknown>,
    minutes: typeof row.minutes === "number" ? row.minutes : null,
    uses: typeof row.uses === "number" ? row.uses : null,
  };
}
