import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { workerHeartbeats } from "@/db/schema";

/** A worker that has not said it is alive for this long counts as gone. */
export const WORKER_SILENT_AFTER_SECONDS = 60;

export async function beat(db: Db, worker: { id: string; host: string; pid: number }): Promise<void> {
  await db
    .insert(workerHeartbeats)
    .values(worker)
    .onConflictDoUpdate({ target: workerHeartbeats.id, set: { seenAt: sql`now()` } });
  // Workers that stopped long ago are forgotten.
  await db.delete(workerHeartbeats).where(sql`${workerHeartbeats.seenAt} < now() - interval '1 day'`);
}

export type WorkerStatus = {
  /** Workers seen within the last minute. */
  alive: { host: string; pid: number; startedAt: Date; seenAt: Date }[];
  /** When any worker was last seen (null: never). */
  lastSeenAt: Date | null;
  silent: boolean;
};

/** Whether background work is running, by database time. */
export async function workerStatus(db: Db): Promise<WorkerStatus> {
  const rows = await db
    .select({
      host: workerHeartbeats.host,
      pid: workerHeartbeats.pid,
      startedAt: workerHeartbeats.startedAt,
      seenAt: workerHeartbeats.seenAt,
      alive: sql<boolean>`${workerHeartbeats.seenAt} > now() - make_interval(secs => ${WORKER_SILENT_AFTER_SECONDS})`,
    })
    .from(workerHeartbeats)
    .orderBy(sql`${workerHeartbeats.seenAt} desc`);
  const alive = rows.filter((row) => row.alive).map(({ alive: _alive, ...row }) => row);
  return { alive, lastSeenAt: rows[0]?.seenAt ?? null, silent: alive.length === 0 };
}
