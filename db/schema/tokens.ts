import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { users } from "./users";

const tstz = () => timestamp({ withTimezone: true });

export { TOKEN_SCOPES, type TokenScope } from "../../server/shared/token-scopes";

export const TOKEN_KINDS = ["personal", "service"] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/**
 * API tokens. Only the SHA-256 of the secret is kept (the secret has 256 bits of entropy, so a
 * plain hash is enough); the token is shown once, at creation. `userId` is whom the token acts
 * as; `ownerId` is the person answerable for it (the same person for a personal token, the
 * admin-named owner of a service account's token).
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text({ enum: TOKEN_KINDS }).notNull(),
    name: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    ownerId: uuid()
      .notNull()
      .references(() => users.id),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    /** The first characters of the token, shown in lists so a person can tell tokens apart. */
    prefix: text().notNull(),
    secretHash: text().notNull().unique(),
    scopes: text().array().notNull(),
    /** Source addresses the token is accepted from (CIDRs); empty: any. */
    sourceCidrs: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: tstz().notNull().defaultNow(),
    expiresAt: tstz().notNull(),
    lastUsedAt: tstz(),
    lastUsedIp: text(),
    revokedAt: tstz(),
    revokedBy: uuid().references(() => users.id),
  },
  (t) => [
    index("api_tokens_user_idx").on(t.userId),
    check("api_tokens_scopes_nonempty", sql`cardinality(${t.scopes}) > 0`),
  ],
);

/** Addresses a token has been used from: a new one is ledgered once. */
export const apiTokenAddresses = pgTable(
  "api_token_addresses",
  {
    tokenId: uuid()
      .notNull()
      .references(() => apiTokens.id, { onDelete: "cascade" }),
    ip: text().notNull(),
    firstSeenAt: tstz().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.ip] })],
);

/** Requests per token per minute (database clock), for rate limiting. */
export const apiRateWindows = pgTable(
  "api_rate_windows",
  {
    tokenKey: text().notNull(),
    windowStart: tstz().notNull(),
    count: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tokenKey, t.windowStart] })],
);

/**
 * Responses to POSTs that carried an Idempotency-Key, per caller: a replay with the same body
 * gets the same response; the same key with another body is refused.
 */
export const apiIdempotency = pgTable(
  "api_idempotency",
  {
    callerKey: text().notNull(),
    key: text().notNull(),
    requestHash: text().notNull(),
    status: smallint(),
    body: jsonb(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.callerKey, t.key] })],
);

/** Alerts taken in: (source, alert id) once; the correlation key leads to the case they went to. */
export const intakeAlerts = pgTable(
  "intake_alerts",
  {
    id: uuid().primaryKey().defaultRandom(),
    source: text().notNull(),
    alertId: text().notNull(),
    correlationKey: text().notNull(),
    caseId: uuid()
      .notNull()
      .references(() => cases.id),
    eventId: uuid(),
    receivedAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    index("intake_alerts_correlation_idx").on(t.correlationKey),
    uniqueIndex("intake_alerts_source_alert_idx").on(t.source, t.alertId),
  ],
);
