import { sql } from "drizzle-orm";
import { check, index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { actionRequests } from "./requests";
import { users } from "./users";

const tstz = () => timestamp({ withTimezone: true });

/** Steps taken on an undecided request as its expiry nears: a reminder, then an escalation. */
export const requestEscalations = pgTable(
  "request_escalations",
  {
    requestId: uuid()
      .notNull()
      .references(() => actionRequests.id),
    stage: text({ enum: ["reminder", "escalation"] }).notNull(),
    at: tstz().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.stage] })],
);

/**
 * An approver away for a period names a delegate, who must be eligible on their own; the
 * delegate is told of requests in their place and their decisions record "on behalf of".
 */
export const delegations = pgTable(
  "delegations",
  {
    id: uuid().primaryKey().defaultRandom(),
    fromUserId: uuid()
      .notNull()
      .references(() => users.id),
    toUserId: uuid()
      .notNull()
      .references(() => users.id),
    startsAt: tstz().notNull(),
    endsAt: tstz().notNull(),
    reason: text().notNull().default(""),
    createdAt: tstz().notNull().defaultNow(),
    revokedAt: tstz(),
  },
  (t) => [
    check("delegations_not_self", sql`${t.fromUserId} <> ${t.toUserId}`),
    check("delegations_period", sql`${t.endsAt} > ${t.startsAt}`),
    index("delegations_to_idx").on(t.toUserId, t.endsAt),
    index("delegations_from_idx").on(t.fromUserId, t.endsAt),
  ],
);
