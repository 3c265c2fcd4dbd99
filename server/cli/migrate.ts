import { runMigrations } from "@/db/migrate";
import { resolveDatabase } from "./database";

const database = await resolveDatabase();
try {
  await runMigrations(database.ownerUrl);
  console.log(`Migrations applied to the ${database.describe}.`);
} finally {
  await database.stop();
}
