/**
 * Wires the demo's systems (system-databases.ts) into Casefile: connectors for the
 * evidence store and the target database, and the "attacker's" database session
 * that the demo's termination request ends.
 */
import { eq } from "drizzle-orm";
import postgres from "postgres";
import type { Db } from "@/db/client";
import { DEMO_CONNECTORS, type DemoSystems } from "./system-databases";
import { DEMO_ACCOUNTS } from "./seed";
import { users } from "@/db/schema";
import { seedConnector } from "../connectors/connectors";

export async function seedDemoConnectors(db: Db, systems: DemoSystems): Promise<string[]> {
  const adminEmail = DEMO_ACCOUNTS.find((a) => a.roles.includes("admin"))?.email ?? "";
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.email, adminEmail));
  if (!admin) return [];
  const added: string[] = [];
  if (
    await seedConnector(
      db,
      {
        name: DEMO_CONNECTORS.evidence,
        kind: "postgres",
        serves: ["logs.query"],
        config: { url: systems.evidenceUrl },
      },
      admin.id,
    )
  )
    added.push(DEMO_CONNECTORS.evidence);
  if (
    await seedConnector(
      db,
      {
        name: DEMO_CONNECTORS.target,
        kind: "postgres",
        serves: ["db.role.disable", "db.role.enable", "db.session.terminate"],
        config: { url: systems.targetUrl },
      },
      admin.id,
    )
  )
    added.push(DEMO_CONNECTORS.target);
  return added;
}

/**
 * Keeps a session of the suspect role open on the target database, reading the
 * customers table now and then, until someone terminates it (or its login is gone).
 */
export function runSuspiciousSession(
  suspectUrl: string,
  log: (line: string) => void,
): { stop: () => Promise<void> } {
  const sql = postgres(suspectUrl, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: "psql" },
  });
  let stopped = false;
  void (async () => {
    while (!stopped) {
      try {
        await sql`select count(*) from customers, pg_sleep(20)`;
      } catch (error) {
        if (stopped) return;
        const code = (error as { code?: string }).code;
        log(
          code === "57P01" || code === "CONNECTION_CLOSED"
            ? "Demo: the suspicious support_readonly session was terminated."
            : `Demo: the suspicious session ended (${error instanceof Error ? error.message : String(error)}).`,
        );
        stopped = true;
        await sql.end({ timeout: 1 }).catch(() => undefined);
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await sql.end({ timeout: 1 }).catch(() => undefined);
    },
  };
}
