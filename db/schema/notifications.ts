import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { actionRequests } from "./requests";
import { users } from "./users";

const tstz = () => timestamp({ withTimezone: true });

/** What a person can be told about; each may be switched off in their preferences. */
export const NOTIFICATION_KINDS = [
  "request.new",
  "request.reminder",
  "request.escalated",
  "request.decided",
  "grant.created",
  "grant.expiring",
  "break_glass",
  "finding",
  "campaign.opened",
  "campaign.reminder",
  "account.security",
  "digest",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** How mail reaches a person: each at once, one daily digest, or not at all (the page only). */
export const EMAIL_MODES = ["immediate", "digest", "off"] as const;
export type EmailMode = (typeof EMAIL_MODES)[number];

/**
 * What we told whom: the person's notifications page, and the mail outbox (rows with
 * `email_state = 'pending'` are sent by the worker with retries and backoff). Written in
 * the same transaction as the fan-out cursor, so nothing is told twice or lost.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text({ enum: NOTIFICATION_KINDS }).notNull(),
    /** One notification per thing per person: `<kind>:<subject>:<user>`. */
    dedupKey: text().notNull().unique(),
    subject: text().notNull(),
    /** Plain text; the HTML body is rendered from it when sent. */
    body: text().notNull(),
    /** Absolute deep link into Casefile. */
    link: text().notNull(),
    createdAt: tstz().notNull().defaultNow(),
    readAt: tstz(),
    /** pending → sent | failed; `digest` waits for the person's daily digest; `none` is page-only. */
    emailState: text({ enum: ["pending", "sent", "failed", "digest", "digested", "none"] }).notNull(),
    emailTo: text(),
    emailAttempts: integer().notNull().default(0),
    emailNextAttemptAt: tstz().notNull().defaultNow(),
    emailLockedUntil: tstz(),
    emailLastError: text(),
    emailSentAt: tstz(),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.createdAt),
    index("notifications_mail_due_idx")
      .on(t.emailNextAttemptAt)
      .where(sql`${t.emailState} = 'pending'`),
  ],
);

export const notificationPreferences = pgTable("notification_preferences", {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  emailMode: text({ enum: EMAIL_MODES }).notNull().default("immediate"),
  /** Kinds the person does not want (the page still lists account security notices). */
  muted: text()
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  lastDigestAt: tstz(),
  updatedAt: tstz().notNull().defaultNow(),
});

/** How far the fan-out has read the ledger (one row). */
export const notificationCursor = pgTable(
  "notification_cursor",
  {
    id: smallint().primaryKey().default(1),
    seq: bigint({ mode: "number" }).notNull(),
  },
  (t) => [check("notification_cursor_one_row", sql`${t.id} = 1`)],
);

/**
 * A chat account (Slack-compatible: team + user id) bound to a Casefile person. Created
 * unconfirmed when an unknown chat user first presses a button; counts only once the
 * person confirms the code while signed in to Casefile.
 */
export const chatLinks = pgTable(
  "chat_links",
  {
    id: uuid().primaryKey().defaultRandom(),
    teamId: text().notNull(),
    chatUserId: text().notNull(),
    chatUserName: text().notNull().default(""),
    /** SHA-256 of the one-time code shown in chat. */
    codeHash: text().notNull().unique(),
    codeExpiresAt: tstz().notNull(),
    userId: uuid().references(() => users.id, { onDelete: "cascade" }),
    confirmedAt: tstz(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("chat_links_confirmed_idx")
      .on(t.teamId, t.chatUserId)
      .where(sql`${t.confirmedAt} is not null`),
  ],
);

/** Chat messages about requests, sent to the configured channel through this outbox. */
export const chatPosts = pgTable(
  "chat_posts",
  {
    id: uuid().primaryKey().defaultRandom(),
    requestId: uuid()
      .notNull()
      .references(() => actionRequests.id),
    /** The exact JSON body (Block Kit) sent on every attempt. */
    body: text().notNull(),
    dedupKey: text().notNull().unique(),
    attempts: integer().notNull().default(0),
    nextAttemptAt: tstz().notNull().defaultNow(),
    lockedUntil: tstz(),
    lastError: text(),
    sentAt: tstz(),
    failedAt: tstz(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    index("chat_posts_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.sentAt} is null and ${t.failedAt} is null`),
  ],
);

/** Signatures of chat interactions already acted on: a replayed one is refused. */
export const chatInteractionsSeen = pgTable("chat_interactions_seen", {
  signature: text().primaryKey(),
  at: tstz().notNull().defaultNow(),
});
