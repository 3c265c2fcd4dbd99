import "server-only";
import { createDb, type Db } from "@/db/client";
import { env } from "./env";

// One pool per process; kept on globalThis so `next dev` reloads do not leak pools.
const holder = globalThis as unknown as { casefileDb?: ReturnType<typeof createDb> };

export function getDb(): Db {
  if (!holder.casefileDb) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start` or set it explicitly");
    holder.casefileDb = createDb(url);
  }
  return holder.casefileDb.db;
}
