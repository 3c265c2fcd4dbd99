/**
 * Disabling an action type is a kill switch: in the admin's transaction, every pending
 * request for it is refused and every live grant of it revoked, each with its ledger
 * entry, and the people concerned are told live.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { actionRequests, cases, grants, type ActionType } from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import { liveGrant } from "./live-grant";
import { tellGrantee, tellRequester } from "./notify";

async function caseKeys(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await tx.select({ id: cases.id, key: cases.key }).from(cases).where(inArray(cases.id, ids));
  return new Map(rows.map((r) => [r.id, r.key]));
}

export async function applyKillSwitch(
  tx: Tx,
  admin: SessionUser,
  type: ActionType,
  request: RequestMeta | null,
): Promise<{ refused: number; revoked: number }> {
  const reason = `${type.title} was disabled by policy (version ${type.version})`;
  const actor = { id: admin.id, name: admin.name };
  const refused = await tx
    .update(actionRequests)
    .set({ status: "denied", decidedAt: sql`now()`, outcomeNote: `Refused: ${reason}` })
    .where(and(eq(actionRequests.actionKey, type.key), eq(actionRequests.status, "pending")))
    .returning({
      id: actionRequests.id,
      caseId: actionRequests.caseId,
      requesterId: actionRequests.requesterId,
    });
  const revoked = await tx
    .update(grants)
    .set({ revokedAt: sql`now()`, revokedBy: admin.id, revokeReason: reason })
    .where(and(eq(grants.actionKey, type.key), liveGrant()))
    .returning({
      id: grants.id,
      requestId: grants.requestId,
      caseId: grants.caseId,
      granteeId: grants.granteeId,
      uses: grants.uses,
    });
  const keys = await caseKeys(tx, [...new Set([...refused, ...revoked].map((r) => r.caseId))]);
  for (const r of refused) {
    await appendLedger(tx, {
      type: "request.refused_by_policy",
      actor,
      caseKey: keys.get(r.caseId) ?? null,
      subjects: [r.id, r.requesterId],
      payload: { actionKey: type.key, policyVersion: type.version, reason },
      request,
    });
    await tellRequester(tx, "request.decided", r, type.approverRoles);
  }
  for (const g of revoked) {
    await appendLedger(tx, {
      type: "grant.revoked",
      actor,
      caseKey: keys.get(g.caseId) ?? null,
      subjects: [g.id, g.requestId],
      payload: { actionKey: type.key, by: "policy", reason, usesSpent: g.uses, policyVersion: type.version },
      request,
    });
    await tellGrantee(tx, "grant.revoked", g);
  }
  return { refused: refused.length, revoked: revoked.length };
}
