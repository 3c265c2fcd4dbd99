/**
 * A separate process that runs one granted action, for fault tests that kill it
 * mid-execution: FAULT_DATABASE_URL, FAULT_USER_ID, FAULT_CASE_ID, FAULT_GRANT_ID,
 * FAULT_PARAMS (JSON). Prints "done" if it ever finishes.
 */
import { createDb } from "@/db/client";
import { loadUserForSystem } from "../auth/sessions";
import { openCase } from "../cases/access";
import { executeGrant } from "../requests/grants";

const need = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const { db, close } = createDb(need("FAULT_DATABASE_URL"), { max: 2 });
const user = await loadUserForSystem(db, need("FAULT_USER_ID"));
const access = await openCase(db, user, need("FAULT_CASE_ID"));
await executeGrant(db, access, {
  grantId: need("FAULT_GRANT_ID"),
  params: JSON.parse(need("FAULT_PARAMS")) as unknown,
});
console.log("done");
await close();
