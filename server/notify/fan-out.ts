/**
 * Notifications follow the ledger: every step that tells someone is already recorded
 * there, atomically with its change. The fan-out reads integrated entries after its
 * cursor, drafts notifications, and moves the cursor in the same transaction — so a crash
 * tells nothing twice and loses nothing, and no business transaction waits on it.
 */
import { asc, eq, gt, sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { ledgerEntries, notificationCursor } from "@/db/schema";
import { type Draft, queue, type QueueOptions } from "./queue";
import { draftsForEntry, type Entry } from "./tell";

export type FanOutOptions = QueueOptions & {
  batch?: number;
  /** Also called per entry (chat messages for new requests). */
  also?: (tx: Tx, entry: Entry) => Promise<void>;
};

function parse(body: string): Entry | null {
  try {
    const e = JSON.parse(body) as Partial<Entry>;
    if (typeof e.type !== "string" || typeof e.id !== "string") return null;
    return {
      id: e.id,
      type: e.type,
      at: typeof e.at === "string" ? e.at : "",
      actor: e.actor ?? null,
      subjects: Array.isArray(e.subjects) ? e.subjects.filter((s) => typeof s === "string") : [],
      payload: e.payload && typeof e.payload === "object" ? e.payload : {},
    };
  } catch {
    return null;
  }
}

/** Reads one batch of new ledger entries; returns how many notifications were queued. */
export async function fanOut(db: Db, options: FanOutOptions): Promise<number> {
  return db.transaction(async (tx) => {
    // One fan-out at a time; another instance skips instead of waiting.
    const [cursor] = await tx
      .select()
      .from(notificationCursor)
      .where(eq(notificationCursor.id, 1))
      .for("update", { skipLocked: true });
    if (!cursor) return 0;
    const rows = await tx
      .select({ seq: ledgerEntries.seq, body: ledgerEntries.body })
      .from(ledgerEntries)
      .where(gt(ledgerEntries.seq, cursor.seq))
      .orderBy(asc(ledgerEntries.seq))
      .limit(options.batch ?? 500);
    const last = rows.at(-1);
    if (!last) return 0;
    const drafts: Draft[] = [];
    for (const row of rows) {
      const entry = parse(row.body);
      if (!entry) continue;
      drafts.push(...(await draftsForEntry(tx, entry)));
      if (options.also) await options.also(tx, entry);
    }
    const queued = await queue(tx, drafts, options);
    await tx
      .update(notificationCursor)
      .set({ seq: sql`greatest(${notificationCursor.seq}, ${last.seq})` })
      .where(eq(notificationCursor.id, 1));
    return queued;
  });
}

/** Runs batches until the ledger is read to its end. */
export async function fanOutAll(db: Db, options: FanOutOptions): Promise<number> {
  let total = 0;
  for (let i = 0; i < 100; i++) {
    const before = await cursorSeq(db);
    total += await fanOut(db, options);
    if ((await cursorSeq(db)) === before) break;
  }
  return total;
}

async function cursorSeq(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ seq: notificationCursor.seq }).from(notificationCursor);
  return row?.seq ?? -1;
}
