/** The decisions and grants of requests, as the review page and the case's Actions tab show them. */
import { asc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { approvals, grants, users } from "@/db/schema";
import { liveGrant } from "./live-grant";

export async function decisionsOf(db: DbOrTx, requestIds: string[]) {
  if (!requestIds.length) return [];
  return db
    .select({
      requestId: approvals.requestId,
      approverName: users.name,
      decision: approvals.decision,
      comment: approvals.comment,
      narrowedParams: approvals.narrowedParams,
      narrowedMinutes: approvals.narrowedMinutes,
      narrowedUses: approvals.narrowedUses,
      stepUpMethod: approvals.stepUpMethod,
      approverRoles: approvals.approverRoles,
      approverClearance: approvals.approverClearance,
      policyVersion: approvals.policyVersion,
      createdAt: approvals.createdAt,
    })
    .from(approvals)
    .innerJoin(users, eq(users.id, approvals.approverId))
    .where(inArray(approvals.requestId, requestIds))
    .orderBy(asc(approvals.createdAt));
}

export async function grantsOf(db: DbOrTx, requestIds: string[]) {
  if (!requestIds.length) return [];
  return db
    .select({
      id: grants.id,
      requestId: grants.requestId,
      granteeId: grants.granteeId,
      scope: grants.scope,
      notBefore: grants.notBefore,
      expiresAt: grants.expiresAt,
      maxUses: grants.maxUses,
      uses: grants.uses,
      breakGlass: grants.breakGlass,
      revokedAt: grants.revokedAt,
      revokeReason: grants.revokeReason,
      live: sql<boolean>`${liveGrant()}`,
    })
    .from(grants)
    .where(inArray(grants.requestId, requestIds));
}
