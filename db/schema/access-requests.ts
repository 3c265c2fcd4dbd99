import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { users } from "./users";

const tstz = () => timestamp({ withTimezone: true });

/**
 * Someone asked the case lead for access to a case they could not open. At most one
 * open request per person and case; the lead grants (adding a member) or declines.
 */
export const caseAccessRequests = pgTable(
  "case_access_requests",
  {
    id: uuid().primaryKey().defaultRandom(),
    caseId: uuid()
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    requesterId: uuid()
      .notNull()
      .references(() => users.id),
    reason: text().notNull(),
    createdAt: tstz().notNull().defaultNow(),
    decidedAt: tstz(),
    decidedBy: uuid().references(() => users.id),
    /** "granted" or "declined" once decided. */
    outcome: text(),
  },
  (t) => [
    uniqueIndex("case_access_requests_open_idx")
      .on(t.caseId, t.requesterId)
      .where(sql`${t.decidedAt} is null`),
    index("case_access_requests_case_idx").on(t.caseId, t.createdAt),
  ],
);
