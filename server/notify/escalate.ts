/**
 * Undecided requests are not left to expire quietly: after a tier's reminder time the eligible
 * approvers are reminded, after its escalation time the next group (admins) is told too —
 * both before expiry. Each step is recorded once (request_escalations) with its ledger entry;
 * the fan-out turns those entries into notifications.
 */
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { actionRequests, requestEscalations, type RiskTier } from "@/db/schema";
import { appendLedger } from "../ledger/append";
import { caseKeyOf } from "../requests/request-row";

/** Minutes after a request was made: remind, then escalate (the queue shows both). */
export const ESCALATION_MINUTES: Record<RiskTier, { reminder: number; escalation: number }> = {
  critical: { reminder: 5, escalation: 10 },
  high: { reminder: 10, escalation: 20 },
  medium: { reminder: 15, escalation: 30 },
  low: { reminder: 20, escalation: 40 },
};

const STAGES = ["reminder", "escalation"] as const;

export async function escalateDue(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    let steps = 0;
    for (const stage of STAGES) {
      const minutes = sql.join(
        Object.entries(ESCALATION_MINUTES).map(([tier, m]) => sql`when ${tier} then ${m[stage]}::int`),
        sql` `,
      );
      const due = await tx.execute<{ id: string; case_id: string; action_key: string }>(sql`
        select r.id, r.case_id, r.action_key
          from action_requests r join action_types t on t.key = r.action_key
         where r.status = 'pending' and r.expires_at > now()
           and r.created_at + make_interval(mins => (case t.risk_tier::text ${minutes} end)) <= now()
           and not exists (select 1 from request_escalations e where e.request_id = r.id and e.stage = ${stage})
         for update of r skip locked`);
      if (due.length === 0) continue;
      const inserted = await tx
        .insert(requestEscalations)
        .values(due.map((r) => ({ requestId: r.id, stage })))
        .onConflictDoNothing()
        .returning({ requestId: requestEscalations.requestId });
      const fresh = new Set(inserted.map((r) => r.requestId));
      for (const r of due.filter((d) => fresh.has(d.id))) {
        await appendLedger(tx, {
          type: stage === "reminder" ? "request.reminded" : "request.escalated",
          actor: null,
          caseKey: await caseKeyOf(tx, r.case_id),
          subjects: [r.id],
          payload: { actionKey: r.action_key, stage },
        });
        steps++;
      }
    }
    return steps;
  });
}

/** For the queue: the latest step taken on each of these pending requests. */
export async function escalationsOf(db: DbOrTx, requestIds: string[]) {
  if (requestIds.length === 0) return [];
  return db
    .select({
      requestId: requestEscalations.requestId,
      stage: requestEscalations.stage,
      at: requestEscalations.at,
    })
    .from(requestEscalations)
    .innerJoin(actionRequests, eq(actionRequests.id, requestEscalations.requestId))
    .where(
      and(
        inArray(requestEscalations.requestId, requestIds.slice(0, 500)),
        eq(actionRequests.status, "pending"),
        gt(actionRequests.expiresAt, sql`now()`),
      ),
    );
}
