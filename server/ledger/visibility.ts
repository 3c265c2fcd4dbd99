import { and, eq, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { caseMembers, cases, ledgerEntries } from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { DomainError } from "../errors";

/**
 * Who reads the ledger explorer. Compliance reads every entry. Anyone else (an admin) reads
 * the entries of no case (sign-ins, administration) and those of cases they are a member of;
 * another case's entries are not shown at all, like the case itself.
 */
export type LedgerViewer = { userId: string; everyCase: boolean };

export const viewerOf = (user: SessionUser): LedgerViewer => ({
  userId: user.id,
  everyCase: user.roles.includes("compliance"),
});

/** The where-condition "this viewer may read the entry" (undefined: every entry). */
export function visibleTo(viewer: LedgerViewer): SQL | undefined {
  if (viewer.everyCase) return undefined;
  return sql`(${ledgerEntries.caseKey} is null or ${ledgerEntries.caseKey} in (
    select ${cases.key} from ${cases} join ${caseMembers} on ${caseMembers.caseId} = ${cases.id}
    where ${caseMembers.userId} = ${viewer.userId}))`;
}

/** NOT_FOUND, worded as for a missing entry, when the viewer may not read entry `seq`. */
export async function requireVisibleEntry(db: DbOrTx, viewer: LedgerViewer, seq: number): Promise<void> {
  if (viewer.everyCase) return;
  const [row] = await db
    .select({ seq: ledgerEntries.seq })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.seq, seq), visibleTo(viewer)));
  if (!row) throw new DomainError("NOT_FOUND", `No ledger entry ${seq}`, { field: "seq" });
}
