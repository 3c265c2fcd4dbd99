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
    // Derived from the body for the explorer's filters; verification reads only the body.
    type: text().generatedAlwaysAs(sql`(body::jsonb ->> 'type')`),
    actorId: text().generatedAlwaysAs(sql`(body::jsonb -> 'actor' ->> 'id')`),
    caseId: text().generatedAlwaysAs(sql`(body::jsonb ->> 'caseId')`),
    at: text().generatedAlwaysAs(sql`(body::jsonb ->> 'at')`),
  },
  (t) => [
    index("ledger_entries_type_idx").on(t.type, t.seq),
    index("ledger_entries_actor_idx").on(t.actorId, t.seq),
    index("ledger_entries_case_idx").on(t.caseId, t.seq),
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
