import type { Db } from "@/db/client";
import { appendLedger, type LedgerEntryInput, type Receipt } from "./append";

/**
 * A standalone event (a refused sign-in, a refused attempt): nothing else changes, so the
 * entry gets a transaction of its own. A state change appends its entry in its own
 * transaction with `appendLedger` instead.
 */
export function recordEvent(db: Db, entry: LedgerEntryInput): Promise<Receipt> {
  return db.transaction((tx) => appendLedger(tx, entry));
}
