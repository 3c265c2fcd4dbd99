/** A request as its chat message shows it, read as it stands now. */
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { actionRequests, approvals, cases, entities } from "@/db/schema";
import { definitionOf } from "../../actions/catalogue";
import { env } from "../../env";
import { dbNow, type Params } from "../../requests/params";
import { approvalsNeeded, isBusinessHours } from "../../requests/policy";
import { paths } from "../links";
import { requestFacts } from "../recipients";
import type { RequestCard } from "./blocks";

export async function requestCard(
  tx: DbOrTx,
  requestId: string,
  baseUrl: string,
): Promise<RequestCard | null> {
  const f = await requestFacts(tx, requestId);
  if (!f) return null;
  const [row] = await tx
    .select({ params: actionRequests.params, paramsHash: actionRequests.paramsHash })
    .from(actionRequests)
    .where(eq(actionRequests.id, requestId));
  const [kase] = await tx.select({ title: cases.title }).from(cases).where(eq(cases.id, f.caseId));
  const suspects = await tx
    .select({ value: entities.value })
    .from(entities)
    .where(and(eq(entities.caseId, f.caseId), eq(entities.role, "suspect")))
    .orderBy(entities.value)
    .limit(10);
  const given = await tx
    .select({ id: approvals.id })
    .from(approvals)
    .where(and(eq(approvals.requestId, requestId), eq(approvals.decision, "approve")));
  const needed = approvalsNeeded(f.type, !isBusinessHours(await dbNow(tx), env().CASEFILE_TIMEZONE));
  const def = definitionOf(f.type.key);
  return {
    requestId,
    paramsHash: row?.paramsHash ?? "",
    caseKey: f.caseKey,
    caseTitle: kase?.title ?? "",
    actionTitle: f.type.title,
    riskTier: f.type.riskTier,
    requesterName: f.requesterName,
    suspects: suspects.map((s) => s.value),
    scope: def && row ? def.describe(row.params as Params) : f.type.key,
    progress: `${given.length} of ${needed}`,
    expiresAt: f.expiresAt,
    link: `${baseUrl}${paths.request(requestId)}`,
  };
}
