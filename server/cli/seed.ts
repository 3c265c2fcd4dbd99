import { createDb } from "@/db/client";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { seedDemoCases } from "../demo/cases";
import { env } from "../env";
import { openDatabase } from "./database";
import { printDemoAccounts } from "../demo/print-accounts";

const database = await openDatabase();
try {
  const { db, close } = createDb(database.url, { max: 1 });
  try {
    await ensureActionTypes(db);
    const created = await seedDemo(db, env().CASEFILE_DEMO_PASSWORD);
    const seededCases = await seedDemoCases(db);
    if (created.length === 0 && !seededCases)
      console.log("Demo organisation already present; nothing changed.");
    printDemoAccounts(created);
    if (seededCases) console.log("Seeded the demo incident cases.");
  } finally {
    await close();
  }
} finally {
  await database.stop();
}
