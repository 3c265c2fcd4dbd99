import { and, count, eq, gt, inArray, max, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { signInFailures } from "@/db/schema";

/** Five wrong passwords for one account, or twenty from one address, within 15 minutes lock it for 15 minutes. */
export const LOCKOUT = { windowMinutes: 15, perAccount: 5, perAddress: 20 } as const;

const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
const addressKey = (ip: string) => `ip:${ip}`;

export type Lockout =
  { locked: false } | { locked: true; scope: "account" | "address"; retryAfterSeconds: number };

/** Whether sign-in is locked for this account or address now (by the database clock). */
export async function lockoutOf(db: Tx, email: string, ip: string | null | undefined): Promise<Lockout> {
  const keys = [accountKey(email), ...(ip ? [addressKey(ip)] : [])];
  const rows = await db
    .select({
      key: signInFailures.key,
      failures: count(),
      retryAfter: sql<number>`ceil(extract(epoch from (${max(signInFailures.at)} + make_interval(mins => ${LOCKOUT.windowMinutes}) - now())))::int`,
    })
    .from(signInFailures)
    .where(
      and(
        inArray(signInFailures.key, keys),
        gt(signInFailures.at, sql`now() - make_interval(mins => ${LOCKOUT.windowMinutes})`),
      ),
    )
    .groupBy(signInFailures.key);
  for (const row of rows) {
    const scope = row.key.startsWith("account:") ? "account" : "address";
    const limit = scope === "account" ? LOCKOUT.perAccount : LOCKOUT.perAddress;
    if (row.failures >= limit) return { locked: true, scope, retryAfterSeconds: Math.max(1, row.retryAfter) };
  }
  return { locked: false };
}

export async function recordFailure(tx: Tx, email: string, ip: string | null | undefined): Promise<void> {
  await tx
    .insert(signInFailures)
    .values([{ key: accountKey(email) }, ...(ip ? [{ key: addressKey(ip) }] : [])]);
}

/** A correct password ends the account's run of failures (the address's count stands). */
export async function clearAccountFailures(tx: Tx, email: string): Promise<void> {
  await tx.delete(signInFailures).where(eq(signInFailures.key, accountKey(email)));
}
