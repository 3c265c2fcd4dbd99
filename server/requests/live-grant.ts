/** Who holds a live grant: the grants that can still be used now, by the database clock. */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { grants } from "@/db/schema";

/** People holding a live grant on the case, for policies that keep them from approving there. */
export async function liveGranteesOf(tx: Tx, caseId: string, exceptRequestId?: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ id: grants.granteeId })
    .from(grants)
    .where(
      and(
        eq(grants.caseId, caseId),
        isNull(grants.revokedAt),
        sql`${grants.expiresAt} > now()`,
        sql`${grants.uses} < ${grants.maxUses}`,
        exceptRequestId ? sql`${grants.requestId} <> ${exceptRequestId}` : undefined,
      ),
    );
  return rows.map((r) => r.id);
}
