/**
 * The guarded execution path: running a granted action. Enforcement is one conditional
 * UPDATE that consumes a use only while the grant is live under the policy in force,
 * so concurrent runs of a single-use grant yield exactly one execution.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { actionTypes, grants } from "@/db/schema";
import { definitionOf } from "../actions/catalogue";
import { type Outcome, preflight, runBuiltIn, runOnPostgres } from "../actions/executor";
import { connectorFor, type LoadedConnector } from "../connectors/connectors";
import { enqueueWebhook } from "../connectors/outbox";
import { requireFreshSecondFactor, stepUp } from "../auth/second-factor";
import { actorOf, type CaseAccess, requireWrite } from "../cases/access";
import { type EvidencePackage, exportEvidence } from "../cases/evidence-export";
import { DomainError } from "../errors";
import type { RequestMeta } from "../request-meta";
import { caseObjectProblem } from "./case-objects";
import { finishExecution, loginBeforeDisable, startExecution } from "./executions";
import { liveGrant } from "./live-grant";
import { dbNow, type Params, parseParams } from "./params";
import { recordRefusal, Refusal, whyNotLive } from "./refusal";
import { deliverWebhooks } from "./webhook-delivery";

export type ExecutionResult = {
  executionId: string;
  status: "pending" | "succeeded" | "failed";
  summary: string;
  evidenceId: string | null;
  /** For evidence.export: the package the grantee downloads. */
  package: EvidencePackage | null;
};

type Started =
  | { mode: "built-in"; executionId: string; outcome: Outcome; package?: EvidencePackage }
  | {
      mode: "postgres";
      executionId: string;
      connector: LoadedConnector;
      actionKey: string;
      params: Params;
      restore: boolean | null;
    }
  | { mode: "webhook"; executionId: string; summary: string };

/**
 * Runs a granted action. The grant check and the use are one statement inside the
 * transaction that also records the execution as started, so a use never exists
 * without its execution. The connector's work happens after that commits, and its
 * outcome is recorded by `finishExecution` (or by the sweep, if the process dies).
 */
export async function executeGrant(
  db: Db,
  access: CaseAccess,
  input: { grantId: string; params: unknown; secondFactorCode?: string },
  request: RequestMeta | null = null,
): Promise<ExecutionResult> {
  requireWrite(access);
  const user = access.user;
  if (input.secondFactorCode?.trim()) await stepUp(db, user, input.secondFactorCode, request);
  let started: Started;
  try {
    started = await db.transaction(async (tx): Promise<Started> => {
      // The policy in force, held (FOR SHARE) until commit: a kill switch waits for this use, or this use sees it.
      const [policy] = await tx
        .select({
          title: actionTypes.title,
          enabled: actionTypes.enabled,
          maxDurationMinutes: actionTypes.maxDurationMinutes,
          executorStepUp: actionTypes.executorStepUp,
          version: actionTypes.version,
        })
        .from(grants)
        .innerJoin(actionTypes, eq(actionTypes.key, grants.actionKey))
        .where(and(eq(grants.id, input.grantId), eq(grants.caseId, access.caseId)))
        .for("share", { of: actionTypes });
      if (!policy) throw new DomainError("NOT_FOUND", "No such grant on this case");
      // The grant check and the use are one statement: live, the caller's, a use left — or no row.
      const [grant] = await tx
        .update(grants)
        .set({ uses: sql`${grants.uses} + 1` })
        .where(
          and(
            eq(grants.id, input.grantId),
            eq(grants.caseId, access.caseId),
            eq(grants.granteeId, user.id),
            liveGrant(),
            // The policy in force caps every grant: enabled, and within its current maximum window.
            sql`${policy.enabled}::boolean`,
            sql`${grants.notBefore} + make_interval(mins => ${policy.maxDurationMinutes}) > now()`,
          ),
        )
        .returning();
      if (!grant) {
        const [row] = await tx
          .select()
          .from(grants)
          .where(and(eq(grants.id, input.grantId), eq(grants.caseId, access.caseId)));
        if (!row) throw new DomainError("NOT_FOUND", "No such grant on this case");
        throw new Refusal(whyNotLive(row, user.id, await dbNow(tx), policy), row, input.params);
      }
      // Executor step-up: the person who runs it proves a second factor now (a refusal spends no use).
      if (policy.executorStepUp) await requireFreshSecondFactor(tx, user, `Running ${policy.title}`);
      const def = definitionOf(grant.actionKey);
      if (!def) throw new Refusal(`no executor for ${grant.actionKey}`, grant, input.params);
      let params: Params;
      try {
        params = parseParams(def, input.params);
      } catch (error) {
        if (error instanceof DomainError) throw new Refusal(error.message, grant, input.params);
        throw error;
      }
      const outside = def.outside(params, grant.scope as Params);
      if (outside) throw new Refusal(`outside the granted scope: ${outside}`, grant, params);
      const foreign = await caseObjectProblem(tx, access.caseId, def, params);
      if (foreign) throw new Refusal(`params.${foreign.field}: ${foreign.message}`, grant, params);
      let connector: LoadedConnector | null;
      try {
        connector = await connectorFor(tx, grant.actionKey, params);
      } catch (error) {
        if (error instanceof DomainError) throw new Refusal(error.message, grant, params, true);
        throw error;
      }
      const unrunnable = connector ? await preflight(connector, grant.actionKey, params) : null;
      if (unrunnable) throw new Refusal(unrunnable, grant, params, true);

      const subject = {
        caseId: access.caseId,
        caseKey: access.key,
        grantId: grant.id,
        requestId: grant.requestId,
        actionKey: grant.actionKey,
        params,
        executorId: user.id,
        connectorName: connector?.name ?? null,
      };
      const use = `${grant.uses} of ${grant.maxUses}`;
      const actor = actorOf(user);
      if (grant.actionKey === "evidence.export") {
        // The export is carried out here, in the transaction that spends the use: package and custody together.
        const summary = "Packaging the evidence for download";
        const executionId = await startExecution(tx, subject, "running", { summary, actor, use, request });
        const pkg = await exportEvidence(tx, {
          caseId: access.caseId,
          caseKey: access.key,
          evidenceId: String(params.evidenceId),
          grantId: grant.id,
          destination: String(params.destination),
          use,
          actor: { id: user.id, name: user.name },
          request,
        });
        const outcome: Outcome = {
          status: "succeeded",
          summary: `Exported ${pkg.evidence.name} (SHA-256 ${pkg.evidence.sha256}) to ${String(params.destination)}.`,
          result: { executor: "evidence-export", evidenceId: pkg.evidence.id, sha256: pkg.evidence.sha256 },
        };
        return { mode: "built-in", executionId, outcome, package: pkg };
      }
      if (connector?.kind === "webhook") {
        const summary = `Queued for ${connector.name}`;
        const executionId = await startExecution(tx, subject, "pending", { summary, actor, use, request });
        await enqueueWebhook(tx, connector, {
          executionId,
          caseKey: access.key,
          actionKey: grant.actionKey,
          params,
          grant,
          executor: { id: user.id, name: user.name, email: user.email },
        });
        return { mode: "webhook", executionId, summary };
      }
      const summary = connector ? `Running on ${connector.name}` : "Recording the use (no connector)";
      const executionId = await startExecution(tx, subject, "running", { summary, actor, use, request });
      if (!connector) return { mode: "built-in", executionId, outcome: runBuiltIn(grant.actionKey, params) };
      const restore =
        grant.actionKey === "db.role.enable"
          ? await loginBeforeDisable(tx, connector.name, String(params.role))
          : null;
      return { mode: "postgres", executionId, connector, actionKey: grant.actionKey, params, restore };
    });
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    throw await recordRefusal(db, access, error, request);
  }
  if (started.mode === "webhook") {
    void deliverWebhooks(db).catch((error: unknown) => console.error(`webhook outbox: ${String(error)}`));
    return {
      executionId: started.executionId,
      status: "pending",
      summary: started.summary,
      evidenceId: null,
      package: null,
    };
  }
  const outcome =
    started.mode === "built-in"
      ? started.outcome
      : await runOnPostgres(started.connector, started.actionKey, started.params, started.restore);
  const { evidenceId } = await finishExecution(db, started.executionId, outcome, actorOf(user), request);
  return {
    executionId: started.executionId,
    status: outcome.status,
    summary: outcome.summary,
    evidenceId,
    package: started.mode === "built-in" ? (started.package ?? null) : null,
  };
}
