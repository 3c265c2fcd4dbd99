import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { userRoles, users, type Role } from "@/db/schema";
import { applyRoles } from "../admin/roles";

/** Adds roles to a user through the audited path (one ledger entry each), as an admin edit would. */
export async function giveRoles(db: Db, userId: string, roles: Role[]): Promise<void> {
  await db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id, email: users.email, serviceAccount: users.serviceAccount })
      .from(users)
      .where(eq(users.id, userId));
    if (!user) throw new Error(`no user ${userId}`);
    const held = (
      await tx.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId))
    ).map((r) => r.role);
    await applyRoles(tx, {
      user,
      roles: [...new Set([...held, ...roles])],
      actor: null,
      source: "seed",
      request: null,
    });
  });
}
