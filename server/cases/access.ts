import { and, eq, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { caseMembers, cases } from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { DomainError } from "../errors";
import type { LedgerActor } from "../ledger/append";

/**
 * What the signed-in user may do with one case. Only `openCase` makes one, so
 * a service holding a CaseAccess knows the check ran; every query it runs is
 * still scoped by `caseId` in its where clause.
 */
export type CaseAccess = {
  readonly caseId: string;
  readonly key: string;
  readonly access: "read" | "write";
  readonly isLead: boolean;
  readonly user: SessionUser;
};

// One message whether the case is missing or hidden: existence itself is need-to-know.
const NOT_FOUND = () => new DomainError("NOT_FOUND", "No such case, or it is not shared with you");

/** Members read (or write) their cases; compliance reviewers read every case. */
export async function openCase(db: DbOrTx, user: SessionUser, caseId: string): Promise<CaseAccess> {
  const [row] = await db
    .select({ id: cases.id, key: cases.key, leadId: cases.leadId, access: caseMembers.access })
    .from(cases)
    .leftJoin(caseMembers, and(eq(caseMembers.caseId, cases.id), eq(caseMembers.userId, user.id)))
    .where(eq(cases.id, caseId));
  if (!row) throw NOT_FOUND();
  const access = row.access ?? (user.roles.includes("compliance") ? "read" : null);
  if (!access) throw NOT_FOUND();
  return { caseId: row.id, key: row.key, access, isLead: row.leadId === user.id, user };
}

/**
 * Read-only access for someone who is not a member but must see the context of a
 * request routed to them (an eligible approver). The caller has checked that.
 */
export async function reviewAccess(db: DbOrTx, user: SessionUser, caseId: string): Promise<CaseAccess> {
  const [row] = await db.select({ id: cases.id, key: cases.key }).from(cases).where(eq(cases.id, caseId));
  if (!row) throw NOT_FOUND();
  return { caseId: row.id, key: row.key, access: "read", isLead: false, user };
}

export function requireWrite(access: CaseAccess): void {
  if (access.access !== "write") {
    throw new DomainError("FORBIDDEN", `You have read-only access to ${access.key}`);
  }
}

export function requireLead(access: CaseAccess): void {
  requireWrite(access);
  if (!access.isLead)
    throw new DomainError("FORBIDDEN", `Only the lead investigator of ${access.key} can do this`);
}

/** The where-clause condition "this user may see the case": for queries over many cases. */
export function visibleTo(user: SessionUser): SQL {
  if (user.roles.includes("compliance")) return sql`true`;
  return sql`exists (select 1 from ${caseMembers} where ${caseMembers.caseId} = ${cases.id} and ${caseMembers.userId} = ${user.id})`;
}

export function actorOf(user: SessionUser): LedgerActor {
  return { id: user.id, name: user.name };
}
