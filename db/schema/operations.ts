import { integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

const tstz = () => timestamp({ withTimezone: true });

/** Each process running the background work says it is alive here (see server/jobs/). */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  id: uuid().primaryKey(),
  host: text().notNull(),
  pid: integer().notNull(),
  startedAt: tstz().notNull().defaultNow(),
  seenAt: tstz().notNull().defaultNow(),
});
