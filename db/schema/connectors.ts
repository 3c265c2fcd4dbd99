import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { CONNECTOR_KINDS } from "../../server/shared/constants";
import { evidence } from "./cases";
import { executions } from "./requests";
import { users } from "./users";

const tstz = () => timestamp({ withTimezone: true });

export { CONNECTOR_KINDS, type ConnectorKind } from "../../server/shared/constants";
export const connectorKindEnum = pgEnum("connector_kind", CONNECTOR_KINDS);

/**
 * Where granted actions do their work: a PostgreSQL database (evidence store or
 * target) or a webhook endpoint. The configuration, secrets included, is stored
 * encrypted with a key that is not in the database; `display` is the part safe to show.
 */
export const connectors = pgTable(
  "connectors",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** What investigators name: a database action's `database` parameter is a connector's name. */
    name: text().notNull().unique(),
    kind: connectorKindEnum().notNull(),
    /** Action keys this connector carries out. */
    serves: text().array().notNull(),
    /** Non-secret description (host, database, user; URL without credentials). */
    display: jsonb().notNull(),
    /** AES-256-GCM sealed JSON configuration: `v1.<iv>.<tag>.<ciphertext>` (base64url). */
    sealedConfig: text().notNull(),
    version: integer().notNull().default(1),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: tstz().notNull().defaultNow(),
    updatedAt: tstz().notNull().defaultNow(),
    lastTestAt: tstz(),
    lastTestOk: text({ enum: ["ok", "failed"] }),
    lastTestMessage: text(),
  },
  (t) => [check("connectors_name_shape", sql`${t.name} ~ '^[a-z0-9][a-z0-9._-]{0,62}$'`)],
);

/**
 * Webhook deliveries, written in the same transaction as the execution they carry
 * (a transactional outbox); a worker sends them with retries and backoff.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: uuid().primaryKey().defaultRandom(),
    executionId: uuid()
      .notNull()
      .unique()
      .references(() => executions.id),
    connectorId: uuid()
      .notNull()
      .references(() => connectors.id),
    /** The exact JSON body sent on every attempt. */
    body: text().notNull(),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(5),
    nextAttemptAt: tstz().notNull().defaultNow(),
    /** A worker holds the row until then; a crashed worker's row is retried after it. */
    lockedUntil: tstz(),
    lastError: text(),
    deliveredAt: tstz(),
    failedAt: tstz(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    index("outbox_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.deliveredAt} is null and ${t.failedAt} is null`),
  ],
);

/** The bytes of evidence Casefile collected itself (query results); insert-only. */
export const evidenceContents = pgTable("evidence_contents", {
  evidenceId: uuid()
    .primaryKey()
    .references(() => evidence.id),
  mediaType: text().notNull(),
  content: text().notNull(),
});
