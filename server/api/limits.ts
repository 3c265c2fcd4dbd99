import { createHash } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiIdempotency, apiRateWindows } from "@/db/schema";

/**
 * Counts one request of the caller in the current minute (database clock, so every instance
 * counts together); over the limit, says how many seconds remain until the next minute.
 */
export async function spendRate(
  db: Db,
  callerKey: string,
  perMinute: number,
): Promise<{ retryAfter: number } | null> {
  const [row] = await db
    .insert(apiRateWindows)
    .values({ tokenKey: callerKey, windowStart: sql`date_trunc('minute', now())`, count: 1 })
    .onConflictDoUpdate({
      target: [apiRateWindows.tokenKey, apiRateWindows.windowStart],
      set: { count: sql`${apiRateWindows.count} + 1` },
    })
    .returning({
      count: apiRateWindows.count,
      left: sql<number>`ceil(extract(epoch from date_trunc('minute', now()) + interval '1 minute' - now()))::int`,
    });
  if (!row) return null;
  // The first request of a window clears the caller's old windows.
  if (row.count === 1) {
    await db
      .delete(apiRateWindows)
      .where(
        and(
          eq(apiRateWindows.tokenKey, callerKey),
          sql`${apiRateWindows.windowStart} < now() - interval '5 minutes'`,
        ),
      );
  }
  return row.count > perMinute ? { retryAfter: Math.max(1, row.left) } : null;
}

export type Idempotent =
  | { kind: "proceed" }
  | { kind: "replay"; status: number; body: unknown }
  | { kind: "conflict"; detail: string };

export const requestHash = (method: string, path: string, body: string) =>
  createHash("sha256").update(`${method}\n${path}\n${body}`).digest("hex");

/**
 * Claims the key for this request. The same key again with the same request gets the stored
 * response; with another request, or while the first is still running, a conflict.
 */
export async function claimIdempotencyKey(
  db: Db,
  callerKey: string,
  key: string,
  hash: string,
): Promise<Idempotent> {
  const [claimed] = await db
    .insert(apiIdempotency)
    .values({ callerKey, key, requestHash: hash })
    .onConflictDoNothing()
    .returning({ key: apiIdempotency.key });
  if (claimed) return { kind: "proceed" };
  const [row] = await db
    .select()
    .from(apiIdempotency)
    .where(and(eq(apiIdempotency.callerKey, callerKey), eq(apiIdempotency.key, key)));
  if (!row)
    return { kind: "conflict", detail: "This Idempotency-Key was just released: send the request again" };
  if (row.requestHash !== hash) {
    return { kind: "conflict", detail: "This Idempotency-Key was used for a different request" };
  }
  if (row.status === null)
    return { kind: "conflict", detail: "A request with this Idempotency-Key is still being processed" };
  return { kind: "replay", status: row.status, body: row.body };
}

/** Keeps the response for replays; a server-side failure releases the key so the client may retry. */
export async function settleIdempotencyKey(
  db: Db,
  callerKey: string,
  key: string,
  outcome: { status: number; body: unknown },
): Promise<void> {
  const where = and(
    eq(apiIdempotency.callerKey, callerKey),
    eq(apiIdempotency.key, key),
    isNull(apiIdempotency.status),
  );
  if (outcome.status >= 500) await db.delete(apiIdempotency).where(where);
  else await db.update(apiIdempotency).set({ status: outcome.status, body: outcome.body }).where(where);
}
