import { openDatabase } from "./database";

const database = await openDatabase();
console.log(`Migrations applied to the ${database.describe}.`);
await database.stop();
