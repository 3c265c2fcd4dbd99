import { and, eq, inArray } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { userRoles, type Role } from "@/db/schema";
import { DomainError } from "../errors";
import { appendLedger, type LedgerActor } from "../ledger/append";
import type { RequestMeta } from "../request-meta";

/** Roles that decide on other people's actions or on the system itself: for people only. */
const PERSON_ONLY_ROLES: readonly Role[] = ["approver", "admin"];

/** The one rule on who may hold which role; admin edits and single sign-on both pass through it. */
export function checkRolesFor(account: { serviceAccount: boolean }, roles: readonly Role[]): void {
  const refused = roles.filter((r) => PERSON_ONLY_ROLES.includes(r));
  if (account.serviceAccount && refused.length) {
    throw new DomainError("BAD_REQUEST", `A service account cannot hold the ${refused.join(" or ")} role`, {
      field: "roles",
    });
  }
}

/**
 * Makes the user's roles exactly `roles`, inside the caller's transaction, with one ledger
 * entry per role granted or revoked. `source` says who decided: an admin, the identity provider, or the demo seed.
 */
export async function applyRoles(
  tx: Tx,
  input: {
    user: { id: string; email: string; serviceAccount: boolean };
    roles: readonly Role[];
    actor: LedgerActor;
    source: "admin" | "oidc" | "seed";
    request: RequestMeta | null;
  },
): Promise<{ granted: Role[]; revoked: Role[] }> {
  checkRolesFor(input.user, input.roles);
  const current = (
    await tx.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, input.user.id))
  ).map((r) => r.role);
  const granted = input.roles.filter((r) => !current.includes(r));
  const revoked = current.filter((r) => !input.roles.includes(r));
  if (granted.length) {
    await tx.insert(userRoles).values(granted.map((role) => ({ userId: input.user.id, role })));
  }
  if (revoked.length) {
    await tx
      .delete(userRoles)
      .where(and(eq(userRoles.userId, input.user.id), inArray(userRoles.role, revoked)));
  }
  for (const [type, roles] of [
    ["user.role_granted", granted],
    ["user.role_revoked", revoked],
  ] as const) {
    for (const role of roles) {
      await appendLedger(tx, {
        type,
        actor: input.actor,
        subjects: [input.user.id],
        payload: { email: input.user.email, role, source: input.source },
        request: input.request,
      });
    }
  }
  return { granted, revoked };
}
