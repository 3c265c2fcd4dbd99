import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  index,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });
const tstz = () => timestamp({ withTimezone: true });
const seqNumber = () => bigint({ mode: "number" });

/**
 * Entries written by business transactions, atomically with their change.
 * The application role may only INSERT here; the integrator moves rows into
 * ledger_entries in order (see server/ledger/integrator.ts).
 */
export const ledgerInbox = pgTable("ledger_inbox", {
  id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  entryId: uuid().notNull().unique(),
  /** RFC 8785 canonical JSON of the entry; the leaf hash is over exactly these bytes. */
  body: text().notNull(),
  /** When the entry was written: the oldest waiting entry's age is the integration lag. */
  queuedAt: tstz().notNull().defaultNow(),
  /** The writing transaction, so a guard can ask "did this transaction record its change?". */
  txid: xid8()
    .notNull()
    .default(sql`pg_current_xact_id()`),
});

/** The log itself: dense seq from 0, append-only (triggers refuse UPDATE, DELETE, TRUNCATE). */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    seq: seqNumber().primaryKey(),
    entryId: uuid().notNull().unique(),
    body: text().notNull(),
    leafHash: bytea().notNull(),
    integratedAt: tstz().notNull().defaultNow(),
    // Read from the body by the integrator for the explorer's filters (null where the body does not
    // parse); verification reads only the body. Never derived by a cast that could refuse a row.
    type: text(),
    actorId: text(),
    /** The entry's case key: `caseKey` of a version 2 body, `caseId` of a version 1 body. */
    caseKey: text(),
    at: text(),
  },
  (t) => [
    index("ledger_entries_type_idx").on(t.type, t.seq),
    index("ledger_entries_actor_idx").on(t.actorId, t.seq),
    index("ledger_entries_case_idx").on(t.caseKey, t.seq),
    index("ledger_entries_at_idx").on(t.at),
  ],
);

/** Perfect subtree hashes above the leaves (level >= 1), stored as they complete; proofs read them. */
export const ledgerNodes = pgTable(
  "ledger_nodes",
  {
    level: smallint().notNull(),
    idx: seqNumber().notNull(),
    hash: bytea().notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.idx] })],
);

/** Signed checkpoints (C2SP tlog-checkpoint notes); copies also live outside the database. */
export const ledgerCheckpoints = pgTable("ledger_checkpoints", {
  size: seqNumber().primaryKey(),
  root: bytea().notNull(),
  note: text().notNull(),
  createdAt: tstz().notNull().defaultNow(),
});

/**
 * Inbox entries the log could not take (the database refused the row): kept with their exact bytes
 * and leaf hash, out of the tree, so one entry never stops integration. Append-only; any row here is
 * a critical finding and shows on /api/health.
 */
export const ledgerQuarantine = pgTable("ledger_quarantine", {
  inboxId: bigint({ mode: "number" }).primaryKey(),
  entryId: uuid().notNull(),
  body: text().notNull(),
  leafHash: bytea().notNull(),
  queuedAt: tstz().notNull(),
  reason: text().notNull(),
  quarantinedAt: tstz().notNull().defaultNow(),
});

/** Witness cosignatures (C2SP tlog-cosignature lines) on signed checkpoints, collected by the integrator. */
export const ledgerCosignatures = pgTable(
  "ledger_cosignatures",
  {
    size: seqNumber().notNull(),
    /** The witness's key name. */
    witness: text().notNull(),
    /** The whole signature line, as the witness returned it. */
    line: text().notNull(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.size, t.witness] })],
);
