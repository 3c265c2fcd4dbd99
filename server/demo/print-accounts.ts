import type { DemoAccount } from "./seed";
import { env } from "../env";

export function printDemoAccounts(created: DemoAccount[]): void {
  if (created.length === 0) return;
  const width = Math.max(...created.map((a) => a.email.length));
  console.log("\nDemo organisation created. These accounts are for demonstration only.");
  for (const account of created) {
    console.log(
      `  ${account.email.padEnd(width)}  ${account.roles.join(", ")} (clearance ${account.clearance})`,
    );
  }
  console.log(`  password for every demo account: ${env().CASEFILE_DEMO_PASSWORD}\n`);
}
