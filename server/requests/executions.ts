/**
 * An execution's life: pending (queued for a webhook) → running → succeeded or
 * failed. Every state change is a ledger entry and a timeline event of the case,
 * written in the transaction that makes it. A use of a grant always has an
 * execution row (they are created together), and a running execution whose lease
 * ran out — the process died — is failed by the sweep, so none stays running.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { cases, executions, grants, type ExecutionStatus } from "@/db/schema";
import { definitionOf } from "../actions/catalogue";
import type { Outcome } from "../actions/executor";
import { sha256Hex, toCsv } from "../actions/logs-query";
import { recordEvidence } from "../cases/evidence";
import { recordSystemEvent } from "../cases/system-event";
import { appendLedger, type LedgerActor } from "../ledger/append";
import { publish } from "../realtime/live";
import type { RequestMeta } from "../request-meta";
import { asJson, type Params } from "./params";

/** How long a synchronous run may take before the sweep calls it interrupted. */
export const RUN_LEASE_SECONDS = 120;

type Subject = {
  executionId: string;
  caseId: string;
  caseKey: string;
  grantId: string;
  requestId: string;
  actionKey: string;
  params: Params;
  executorId: string;
  connectorName: string | null;
};

const TITLES: Record<ExecutionStatus, (key: string) => string> = {
  pending: (k) => `Queued ${k}`,
  running: (k) => `Running ${k}`,
  succeeded: (k) => `Ran ${k}`,
  failed: (k) => `Failed to run ${k}`,
};

/** The ledger entry, the timeline event and the live notice of one state change. */
async function recordState(
  tx: Tx,
  s: Subject,
  status: ExecutionStatus,
  detail: {
    summary: string;
    actor: LedgerActor;
    extra?: Record<string, unknown>;
    request?: RequestMeta | null;
  },
): Promise<void> {
  const def = definitionOf(s.actionKey);
  const text = {
    title: TITLES[status](s.actionKey),
    description: `${def?.describe(s.params) ?? s.actionKey}\n\n${detail.summary}`,
  };
  const event = await recordSystemEvent(tx, {
    caseId: s.caseId,
    source: "action",
    ...text,
    category: "response",
    authorId: s.executorId,
  });
  await appendLedger(tx, {
    type: `action.${status === "pending" ? "queued" : status === "running" ? "started" : status}`,
    actor: detail.actor,
    caseKey: s.caseKey,
    subjects: [s.executionId, s.grantId, s.requestId, event.id],
    payload: {
      actionKey: s.actionKey,
      params: asJson(s.params),
      status,
      connector: s.connectorName,
      summary: detail.summary,
      timelineEventId: event.id,
      ...(detail.extra ?? {}),
      commitments: { [event.id]: event.commitment },
    },
    request: detail.request ?? null,
  });
  await publish(tx, {
    kind: "execution.updated",
    requestId: s.requestId,
    caseId: s.caseId,
    userIds: [s.executorId],
    roles: [],
  });
}

/** Inside the transaction that spent the use: the execution row and its first state. */
export async function startExecution(
  tx: Tx,
  s: Omit<Subject, "executionId">,
  status: "pending" | "running",
  detail: { summary: string; actor: LedgerActor; use: string; request: RequestMeta | null },
): Promise<string> {
  const [row] = await tx
    .insert(executions)
    .values({
      grantId: s.grantId,
      caseId: s.caseId,
      actionKey: s.actionKey,
      params: s.params,
      executorId: s.executorId,
      status,
      connectorName: s.connectorName,
      summary: detail.summary,
      // Only a run this process carries out holds a lease; the outbox keeps its own.
      leaseUntil: status === "running" ? sql`now() + make_interval(secs => ${RUN_LEASE_SECONDS})` : null,
    })
    .returning({ id: executions.id });
  if (!row) throw new Error("execution not recorded");
  await recordState(tx, { ...s, executionId: row.id }, status, {
    ...detail,
    extra: { use: detail.use },
  });
  return row.id;
}

async function subjectOf(tx: Tx, executionId: string): Promise<Subject & { status: ExecutionStatus }> {
  const [row] = await tx
    .select({
      executionId: executions.id,
      caseId: executions.caseId,
      caseKey: cases.key,
      grantId: executions.grantId,
      requestId: grants.requestId,
      actionKey: executions.actionKey,
      params: executions.params,
      executorId: executions.executorId,
      connectorName: executions.connectorName,
      status: executions.status,
    })
    .from(executions)
    .innerJoin(grants, eq(grants.id, executions.grantId))
    .innerJoin(cases, eq(cases.id, executions.caseId))
    .where(eq(executions.id, executionId))
    .for("update", { of: executions });
  if (!row) throw new Error(`no execution ${executionId}`);
  return { ...row, params: row.params as Params };
}

/** pending → running (a webhook's first delivery attempt). */
export async function markRunning(tx: Tx, executionId: string, summary: string): Promise<void> {
  const s = await subjectOf(tx, executionId);
  if (s.status !== "pending") return;
  await tx.update(executions).set({ status: "running", summary }).where(eq(executions.id, executionId));
  await recordState(tx, s, "running", { summary, actor: null });
}

/**
 * The outcome. A query's rows become evidence of the case: canonical CSV stored
 * with its SHA-256 and size, custody "collected", linked to the execution.
 */
export function finishExecution(db: Db, ...outcome: Finish): Promise<{ evidenceId: string | null }> {
  return db.transaction((tx) => recordOutcome(tx, ...outcome));
}

type Finish = [executionId: string, outcome: Outcome, actor: LedgerActor, request?: RequestMeta | null];

/** `finishExecution` inside the caller's transaction. */
export async function recordOutcome(
  tx: Tx,
  ...[executionId, outcome, actor, request = null]: Finish
): Promise<{ evidenceId: string | null }> {
  const s = await subjectOf(tx, executionId);
  if (s.status === "succeeded" || s.status === "failed") return { evidenceId: null };
  let evidenceId: string | null = null;
  let extra: Record<string, unknown> = {};
  if (outcome.collected && outcome.status === "succeeded") {
    const csv = toCsv(outcome.collected.columns, outcome.collected.rows);
    const sha256 = sha256Hex(csv);
    const sizeBytes = Buffer.byteLength(csv, "utf8");
    ({ id: evidenceId } = await recordEvidence(
      tx,
      actor,
      {
        caseId: s.caseId,
        caseKey: s.caseKey,
        name: `${s.actionKey}-${String(s.params.table)}-${executionId.slice(0, 8)}.csv`,
        sha256,
        sizeBytes,
        source: `connector ${s.connectorName ?? "?"}`,
        description: definitionOf(s.actionKey)?.describe(s.params) ?? "",
        acquiredBy: s.executorId,
        acquiredAt: sql`now()`,
        collected: {
          executionId,
          mediaType: "text/csv",
          content: csv,
          rowCount: outcome.collected.rows.length,
        },
      },
      request,
    ));
    extra = {
      evidenceId,
      sha256,
      sizeBytes,
      rowCount: outcome.collected.rows.length,
      truncated: outcome.collected.truncated,
    };
  }
  await tx
    .update(executions)
    .set({
      status: outcome.status,
      summary: outcome.summary,
      result: { ...outcome.result, ...(evidenceId ? { evidenceId } : {}) },
      finishedAt: sql`now()`,
      leaseUntil: null,
    })
    .where(eq(executions.id, executionId));
  await recordState(tx, s, outcome.status, { summary: outcome.summary, actor, extra, request });
  return { evidenceId };
}

/** Runs that outlived their lease were interrupted (the process died): failed, never left running. */
export async function failInterrupted(db: Db): Promise<number> {
  const stale = await db
    .select({ id: executions.id })
    .from(executions)
    .where(and(eq(executions.status, "running"), sql`${executions.leaseUntil} < now()`))
    .limit(100);
  for (const { id } of stale) {
    await finishExecution(
      db,
      id,
      {
        status: "failed",
        summary:
          "Interrupted: Casefile stopped while this ran, so its effect on the target is unknown. Check the target before asking again.",
        result: { interrupted: true },
      },
      null,
    );
  }
  return stale.length;
}

/** The login state found before the last successful disable of this role through this connector. */
export async function loginBeforeDisable(
  tx: Tx,
  connectorName: string,
  role: string,
): Promise<boolean | null> {
  const [row] = await tx
    .select({ result: executions.result })
    .from(executions)
    .where(
      and(
        eq(executions.actionKey, "db.role.disable"),
        eq(executions.status, "succeeded"),
        eq(executions.connectorName, connectorName),
        sql`${executions.params}->>'role' = ${role}`,
      ),
    )
    .orderBy(desc(executions.finishedAt))
    .limit(1);
  const previous = (row?.result as { previous?: { canLogin?: boolean } } | null)?.previous;
  return typeof previous?.canLogin === "boolean" ? previous.canLogin : null;
}
