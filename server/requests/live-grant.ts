/** When a grant is live, and who holds a live grant: one condition, by the database clock. */
import { and, eq, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { grants } from "@/db/schema";

/**
 * A grant is live while the database's now() lies in [not_before, expires_at), it is not
 * revoked and a use is left. (Whether the caller is its grantee and the policy in force
 * still allows it are checked where it is used.)
 */
export function liveGrant(): SQL {
  return sql`(${grants.revokedAt} is null and ${grants.notBefore} <= now() and ${grants.expiresAt} > now() and ${grants.uses} < ${grants.maxUses})`;
}

/** People holding a live grant on the case, for policies that keep them from approving there. */
export async function liveGranteesOf(
  tx: DbOrTx,
  caseId: string,
  exceptRequestId?: string,
): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ id: grants.granteeId })
    .from(grants)
    .where(
      and(
        eq(grants.caseId, caseId),
        liveGrant(),
        exceptRequestId ? sql`${grants.requestId} <> ${exceptRequestId}` : undefined,
      ),
    );
  return rows.map((r) => r.id);
}
