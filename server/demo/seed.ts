/**
 * The demo organisation's accounts. Everything the demo seeds lives in server/demo/: accounts
 * (here), the incident cases (incident.ts, cases.ts), the systems its actions reach
 * (system-databases.ts, systems.ts), past approvals (history.ts); `npm run db:seed` and the
 * first embedded start (server/cli/seed.ts, serve.ts) call it.
 */
import { sql } from "drizzle-orm";
import { applyRoles } from "../admin/roles";
import { hashPassword } from "../auth/password";
import type { Db, DbOrTx } from "@/db/client";
import { users, type Role } from "@/db/schema";

export type DemoAccount = { email: string; name: string; roles: Role[]; clearance: number; team: string };

/** The demo organisation. Every account shares one demo-only password. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    email: "ines.ortega@casefile.demo",
    name: "Ines Ortega",
    roles: ["investigator"],
    clearance: 3,
    team: "Incident response",
  },
  {
    email: "marcus.webb@casefile.demo",
    name: "Marcus Webb",
    roles: ["investigator"],
    clearance: 2,
    team: "Incident response",
  },
  {
    email: "priya.raman@casefile.demo",
    name: "Priya Raman",
    roles: ["approver"],
    clearance: 4,
    team: "Security operations",
  },
  {
    email: "tom.becker@casefile.demo",
    name: "Tom Becker",
    roles: ["approver"],
    clearance: 2,
    team: "Security operations",
  },
  {
    email: "carla.nguyen@casefile.demo",
    name: "Carla Nguyen",
    roles: ["compliance"],
    clearance: 3,
    team: "Risk and compliance",
  },
  {
    email: "sam.okafor@casefile.demo",
    name: "Sam Okafor",
    roles: ["admin"],
    clearance: 4,
    team: "IT operations",
  },
];

/** Idempotent: existing accounts are left as they are. Returns the accounts it created. */
export async function seedDemo(db: Db, password: string): Promise<DemoAccount[]> {
  return db.transaction(async (tx) => {
    const created: DemoAccount[] = [];
    for (const account of DEMO_ACCOUNTS) {
      const [row] = await tx
        .insert(users)
        .values({
          email: account.email,
          name: account.name,
          clearance: account.clearance,
          team: account.team,
          passwordHash: await hashPassword(password),
        })
        .onConflictDoNothing({ target: users.email })
        .returning({ id: users.id });
      if (!row) continue;
      created.push(account);
      // Through the audited path, like any role: each assignment has its ledger entry.
      await applyRoles(tx, {
        user: { id: row.id, email: account.email, serviceAccount: false },
        roles: account.roles,
        actor: null,
        source: "seed",
        request: null,
      });
    }
    return created;
  });
}

export async function isEmpty(db: DbOrTx): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return (row?.n ?? 0) === 0;
}
