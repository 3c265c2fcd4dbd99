/**
 * Grants issued and ended: the grant a met threshold (or break-glass) creates, and
 * its early end by the grantee, an approver of the request, or an admin. Using a
 * grant is execute.ts.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { approvals, grants, type ActionRequest } from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { actorOf } from "../cases/access";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import { asJson, type Params } from "./params";
import { caseKeyOf } from "./request-row";
import { tellGrantee } from "./notify";

/** The grant a met threshold (or break-glass) creates; its clock starts now, by the database. */
export async function createGrant(
  tx: Tx,
  input: {
    row: ActionRequest;
    caseKey: string;
    scope: Params;
    minutes: number;
    uses: number;
    breakGlass: boolean;
    actor: ReturnType<typeof actorOf>;
    request: RequestMeta | null;
    policyVersion?: number;
  },
): Promise<string> {
  const [grant] = await tx
    .insert(grants)
    .values({
      requestId: input.row.id,
      caseId: input.row.caseId,
      actionKey: input.row.actionKey,
      granteeId: input.row.requesterId,
      scope: input.scope,
      notBefore: sql`now()`,
      expiresAt: sql`now() + make_interval(mins => ${input.minutes})`,
      maxUses: input.uses,
      breakGlass: input.breakGlass,
    })
    .returning({ id: grants.id, expiresAt: grants.expiresAt });
  if (!grant) throw new Error("grant not created");
  await appendLedger(tx, {
    type: "grant.created",
    actor: input.actor,
    caseKey: input.caseKey,
    subjects: [grant.id, input.row.id, input.row.requesterId],
    payload: {
      actionKey: input.row.actionKey,
      scope: asJson(input.scope),
      granteeId: input.row.requesterId,
      expiresAt: grant.expiresAt.toISOString(),
      maxUses: input.uses,
      breakGlass: input.breakGlass,
      ...(input.policyVersion === undefined ? {} : { policyVersion: input.policyVersion }),
    },
    request: input.request,
  });
  return grant.id;
}

/** The grantee ("I'm done"), an approver of the request, or an admin ends a grant early. */
export async function revokeGrant(
  db: Db,
  user: SessionUser,
  input: { grantId: string; reason?: string },
  request: RequestMeta | null = null,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [grant] = await tx.select().from(grants).where(eq(grants.id, input.grantId)).for("update");
    if (!grant) throw new DomainError("NOT_FOUND", "No such grant");
    const [approved] = await tx
      .select({ id: approvals.id })
      .from(approvals)
      .where(
        and(
          eq(approvals.requestId, grant.requestId),
          eq(approvals.approverId, user.id),
          eq(approvals.decision, "approve"),
        ),
      );
    const allowed = grant.granteeId === user.id || Boolean(approved) || user.roles.includes("admin");
    if (!allowed) throw new DomainError("NOT_FOUND", "No such grant");
    if (grant.revokedAt) throw new DomainError("CONFLICT", "This grant is already revoked");
    const [ended] = await tx
      .update(grants)
      .set({ revokedAt: sql`now()`, revokedBy: user.id, revokeReason: input.reason?.trim() || null })
      .where(and(eq(grants.id, grant.id), sql`${grants.revokedAt} is null`))
      .returning({ id: grants.id });
    if (!ended) throw new DomainError("CONFLICT", "This grant is already revoked");
    await appendLedger(tx, {
      type: "grant.revoked",
      actor: actorOf(user),
      caseKey: await caseKeyOf(tx, grant.caseId),
      subjects: [grant.id, grant.requestId],
      payload: {
        actionKey: grant.actionKey,
        by: grant.granteeId === user.id ? "grantee" : approved ? "approver" : "admin",
        reason: input.reason?.trim() ?? "",
        usesSpent: grant.uses,
      },
      request,
    });
    await tellGrantee(tx, "grant.revoked", grant);
  });
}
