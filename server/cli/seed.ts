import { createDb } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { seedDemo } from "@/db/seed";
import { env } from "../env";
import { resolveDatabase } from "./database";
import { printDemoAccounts } from "./print-demo";

const database = await resolveDatabase();
try {
  await runMigrations(database.ownerUrl);
  const { db, close } = createDb(database.url, { max: 1 });
  try {
    const created = await seedDemo(db, env().CASEFILE_DEMO_PASSWORD);
    if (created.length === 0) console.log("Demo organisation already present; nothing changed.");
    printDemoAccounts(created);
  } finally {
    await close();
  }
} finally {
  await database.stop();
}
