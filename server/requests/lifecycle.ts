/**
 * A request that ends without a decision: cancelled by its requester, or expired by
 * the database clock. Each writes its ledger entry and live event in its transaction.
 */
import { and, eq, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { actionRequests } from "@/db/schema";
import { loadActionType } from "../actions/types";
import type { SessionUser } from "../auth/sessions";
import { actorOf } from "../cases/access";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import { caseKeyOf, lockRequest, requirePending } from "./request-row";
import { tellRequester } from "./notify";

export async function cancelRequest(
  db: Db,
  user: SessionUser,
  input: { requestId: string; reason?: string },
  request: RequestMeta | null = null,
): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await lockRequest(tx, input.requestId);
    if (!row || row.requesterId !== user.id) {
      // Only the requester cancels; to anyone else the request is not theirs to see here.
      throw new DomainError("NOT_FOUND", "No such request of yours");
    }
    await requirePending(tx, row);
    await tx
      .update(actionRequests)
      .set({ status: "cancelled", decidedAt: sql`now()`, outcomeNote: input.reason?.trim() || null })
      .where(eq(actionRequests.id, row.id));
    const { type } = await loadActionType(tx, row.actionKey);
    await appendLedger(tx, {
      type: "request.cancelled",
      actor: actorOf(user),
      caseKey: await caseKeyOf(tx, row.caseId),
      subjects: [row.id],
      payload: { actionKey: row.actionKey, reason: input.reason?.trim() ?? "" },
      request,
    });
    await tellRequester(tx, "request.cancelled", row, type.approverRoles);
  });
}

/** Expires every pending request whose time is up (by the database clock). Safe to run anywhere, any time. */
export async function expireDue(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const expired = await tx
      .update(actionRequests)
      .set({ status: "expired", decidedAt: sql`now()` })
      .where(and(eq(actionRequests.status, "pending"), lte(actionRequests.expiresAt, sql`now()`)))
      .returning();
    for (const row of expired) {
      await appendLedger(tx, {
        type: "request.expired",
        actor: null,
        caseKey: await caseKeyOf(tx, row.caseId),
        subjects: [row.id],
        payload: { actionKey: row.actionKey, requesterId: row.requesterId },
      });
      await tellRequester(tx, "request.expired", row, ["approver"]);
    }
    return expired.length;
  });
}
