/**
 * Asking for an action: the request is written with its ledger entry and told live
 * to the approvers it is routed to, in one transaction.
 */
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { actionRequests } from "@/db/schema";
import { loadActionType } from "../actions/types";
import { freshSecondFactor, requireFreshSecondFactor } from "../auth/second-factor";
import { actorOf, type CaseAccess } from "../cases/access";
import { env } from "../env";
import { appendLedger } from "../ledger/append";
import { announce } from "../realtime/announce";
import { publish } from "../realtime/live";
import type { RequestMeta } from "../request-meta";
import { checkAsk, type NewRequest, requireAsker, requireJustification } from "./ask-checks";
import { asJson, paramsHash } from "./params";

export async function createRequest(
  db: Db,
  access: CaseAccess,
  input: NewRequest,
  request: RequestMeta | null = null,
): Promise<{ id: string }> {
  const justification = requireJustification(input.justification, "justification");
  const { type: asked } = await loadActionType(db, input.actionKey);
  // Executor step-up: the person who will run it proves a second factor when asking for it.
  if (asked.executorStepUp) {
    requireAsker(access);
    await freshSecondFactor(db, access.user, input.secondFactorCode, `Requests for ${asked.title}`, request);
  }
  const created = await db.transaction(async (tx) => {
    const { def, type, params, uses, triggerEventId } = await checkAsk(tx, access, input, false);
    if (type.executorStepUp) await requireFreshSecondFactor(tx, access.user, `Requests for ${type.title}`);
    const hash = paramsHash(params);
    const [row] = await tx
      .insert(actionRequests)
      .values({
        caseId: access.caseId,
        actionKey: type.key,
        params,
        paramsHash: hash,
        justification,
        triggerEventId,
        requestedMinutes: input.minutes,
        requestedUses: uses,
        requesterId: access.user.id,
        expiresAt: sql`now() + make_interval(mins => ${env().CASEFILE_REQUEST_TTL_MINUTES})`,
      })
      .returning({ id: actionRequests.id });
    if (!row) throw new Error("request not created");
    await appendLedger(tx, {
      type: "request.created",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: [row.id, ...(triggerEventId ? [triggerEventId] : [])],
      payload: {
        actionKey: type.key,
        riskTier: type.riskTier,
        params: asJson(params),
        paramsHash: hash,
        description: def.describe(params),
        justification,
        minutes: input.minutes,
        uses,
      },
      request,
    });
    await publish(tx, {
      kind: "request.created",
      requestId: row.id,
      caseId: access.caseId,
      userIds: [access.user.id],
      roles: type.approverRoles,
    });
    return { id: row.id, title: type.title };
  });
  announce(`${access.key}: ${access.user.name} requests "${created.title}" (request ${created.id})`);
  return { id: created.id };
}
