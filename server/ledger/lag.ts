import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";

export type IntegrationLag = {
  /** Entries written but not yet in the log. */
  pending: number;
  /** Entries the log refused, kept aside (any is an alarm). */
  quarantined: number;
  /** Age of the oldest waiting entry, by the database clock; 0 when none waits. */
  lagSeconds: number;
  oldestQueuedAt: string | null;
  size: number;
  lastIntegratedAt: string | null;
};

/** How far integration lags behind the writers; any role may ask (a SECURITY DEFINER function reads the inbox). */
export async function integrationLag(db: DbOrTx): Promise<IntegrationLag> {
  const [row] = await db.execute<{
    pending: string;
    quarantined: string;
    lag_seconds: number;
    oldest_queued_at: Date | string | null;
    size: string;
    last_integrated_at: Date | string | null;
  }>(sql`select * from ledger_integration_lag()`);
  const iso = (v: Date | string | null | undefined) =>
    v === null || v === undefined ? null : new Date(v).toISOString();
  return {
    pending: Number(row?.pending ?? 0),
    quarantined: Number(row?.quarantined ?? 0),
    lagSeconds: Number(row?.lag_seconds ?? 0),
    oldestQueuedAt: iso(row?.oldest_queued_at),
    size: Number(row?.size ?? 0),
    lastIntegratedAt: iso(row?.last_integrated_at),
  };
}

/** Whether the lag calls for an alarm: too old a waiting entry, or any quarantined one. */
export function lagAlarm(lag: IntegrationLag, maxLagSeconds: number): string | null {
  if (lag.quarantined > 0)
    return `${lag.quarantined} ledger ${lag.quarantined === 1 ? "entry was" : "entries were"} refused by the log and quarantined`;
  if (lag.lagSeconds > maxLagSeconds)
    return `ledger integration is ${Math.round(lag.lagSeconds)} s behind (${lag.pending} entries waiting; alarm above ${maxLagSeconds} s)`;
  return null;
}
