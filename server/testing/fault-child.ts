/**
 * A separate process for fault tests, which kill it (SIGKILL) part-way through one
 * piece of work. FAULT_MODE picks the work; prints "done" if it ever finishes.
 *   execute:   runs a granted action, and sends a webhook's first delivery as the app does
 *              (FAULT_DATABASE_URL, FAULT_USER_ID, FAULT_CASE_ID, FAULT_GRANT_ID, FAULT_PARAMS as JSON);
 *   integrate: one ledger integration step with a checkpoint (FAULT_DATABASE_URL as the
 *              ledger role, FAULT_SIGNER_KEY, FAULT_ORIGIN, FAULT_CHECKPOINT_DIR).
 */
import { createDb } from "@/db/client";
import { loadUserForSystem } from "../auth/sessions";
import { openCase } from "../cases/access";
import { parseSignerKey } from "../ledger/checkpoint";
import { LedgerIntegrator } from "../ledger/integrator";
import { executeGrant } from "../requests/execute";

const need = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const { db, close } = createDb(need("FAULT_DATABASE_URL"), { max: 2 });
const mode = need("FAULT_MODE");
if (mode === "execute") {
  const user = await loadUserForSystem(db, need("FAULT_USER_ID"));
  const access = await openCase(db, user, need("FAULT_CASE_ID"));
  await executeGrant(db, access, {
    grantId: need("FAULT_GRANT_ID"),
    params: JSON.parse(need("FAULT_PARAMS")) as unknown,
  });
} else if (mode === "integrate") {
  const integrator = new LedgerIntegrator({
    db,
    signer: parseSignerKey(need("FAULT_SIGNER_KEY")),
    origin: need("FAULT_ORIGIN"),
    checkpointDir: need("FAULT_CHECKPOINT_DIR"),
  });
  await integrator.step(true);
} else {
  throw new Error(`unknown FAULT_MODE ${mode}`);
}
console.log("done");
await close();
