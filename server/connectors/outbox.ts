/**
 * The webhook outbox. A delivery row is written in the transaction that spends the
 * grant's use; `deliverDue` sends due rows (any instance may: rows are claimed with
 * SKIP LOCKED and a lease), retries failures with exponential backoff, and records
 * the one outcome — delivered, or failed after N attempts — through the report it is
 * given (the executions it carries are recorded by their owner, not here).
 */
import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { actionRequests, approvals, connectors, outbox, users } from "@/db/schema";
import type { Outcome } from "../actions/executor";
import { CONFIG_SCHEMAS } from "./config";
import type { LoadedConnector } from "./connectors";
import { unseal } from "./seal";
import { DELIVERY_TIMEOUT_MS, sendWebhook } from "./webhook";

export const MAX_ATTEMPTS = 5;
/** First retry after this; doubling each time, at most 5 minutes. */
export const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 300_000;

/** How the outbox tells the owner of a delivery's execution what became of it, inside its transaction. */
export type DeliveryReport = {
  /** The first attempt is being made. */
  running(tx: Tx, executionId: string, summary: string): Promise<void>;
  /** The one outcome: delivered, or failed after the last attempt. */
  finished(tx: Tx, executionId: string, outcome: Outcome): Promise<void>;
};

/** The body an EDR or IdP adapter receives (documented in docs/connectors.md). */
export async function enqueueWebhook(
  tx: Tx,
  connector: LoadedConnector,
  e: {
    executionId: string;
    caseKey: string;
    actionKey: string;
    params: Record<string, unknown>;
    grant: { id: string; requestId: string; expiresAt: Date };
    executor: { id: string; name: string; email: string };
  },
): Promise<void> {
  const approvers = await tx
    .select({ name: users.name, email: users.email })
    .from(approvals)
    .innerJoin(users, eq(users.id, approvals.approverId))
    .where(and(eq(approvals.requestId, e.grant.requestId), eq(approvals.decision, "approve")));
  const [req] = await tx
    .select({ justification: actionRequests.justification, breakGlass: actionRequests.breakGlass })
    .from(actionRequests)
    .where(eq(actionRequests.id, e.grant.requestId));
  const body = JSON.stringify({
    type: "casefile.action",
    id: e.executionId,
    action: e.actionKey,
    params: e.params,
    case: e.caseKey,
    requestedBy: { name: e.executor.name, email: e.executor.email },
    justification: req?.justification ?? "",
    approvedBy: approvers,
    breakGlass: req?.breakGlass ?? false,
    grant: { id: e.grant.id, expiresAt: e.grant.expiresAt.toISOString() },
  });
  await tx
    .insert(outbox)
    .values({ executionId: e.executionId, connectorId: connector.id, body, maxAttempts: MAX_ATTEMPTS });
}

export function backoffMs(attempt: number, baseMs = BACKOFF_BASE_MS): number {
  return Math.min(BACKOFF_CAP_MS, baseMs * 2 ** (attempt - 1));
}

type Claimed = {
  id: string;
  executionId: string;
  body: string;
  attempts: number;
  maxAttempts: number;
  sealed: string;
  name: string;
};

/** Claims one due delivery for this worker; a crashed worker's claim lapses after the lease. */
async function claim(db: Db, report: DeliveryReport): Promise<Claimed | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        id: outbox.id,
        executionId: outbox.executionId,
        body: outbox.body,
        attempts: outbox.attempts,
        maxAttempts: outbox.maxAttempts,
        sealed: connectors.sealedConfig,
        name: connectors.name,
      })
      .from(outbox)
      .innerJoin(connectors, eq(connectors.id, outbox.connectorId))
      .where(
        and(
          isNull(outbox.deliveredAt),
          isNull(outbox.failedAt),
          lte(outbox.nextAttemptAt, sql`now()`),
          or(isNull(outbox.lockedUntil), lte(outbox.lockedUntil, sql`now()`)),
        ),
      )
      .orderBy(outbox.nextAttemptAt)
      .limit(1)
      .for("update", { of: outbox, skipLocked: true });
    if (!row) return null;
    const attempts = row.attempts + 1;
    await tx
      .update(outbox)
      .set({ attempts, lockedUntil: sql`now() + make_interval(secs => ${DELIVERY_TIMEOUT_MS / 1000 + 20})` })
      .where(eq(outbox.id, row.id));
    if (attempts === 1) await report.running(tx, row.executionId, `Sending to ${row.name}`);
    return { ...row, attempts };
  });
}

/** Sends every due delivery once; returns how many attempts were made. */
export async function deliverDue(
  db: Db,
  report: DeliveryReport,
  options: { baseMs?: number; limit?: number; timeoutMs?: number } = {},
): Promise<number> {
  let made = 0;
  for (let i = 0; i < (options.limit ?? 50); i++) {
    const row = await claim(db, report);
    if (!row) break;
    made++;
    const config = CONFIG_SCHEMAS.webhook.parse(unseal(row.sealed));
    const sent = await sendWebhook(
      config,
      { body: row.body, idempotencyKey: row.executionId },
      options.timeoutMs,
    );
    if (sent.ok) {
      // The delivery and the execution's outcome are one transaction: neither is recorded without the other.
      await db.transaction(async (tx) => {
        await tx
          .update(outbox)
          .set({ deliveredAt: sql`now()`, lockedUntil: null, lastError: null })
          .where(eq(outbox.id, row.id));
        await report.finished(tx, row.executionId, {
          status: "succeeded",
          summary: `${row.name} accepted it (HTTP ${sent.status}) on attempt ${row.attempts} of ${row.maxAttempts}.`,
          result: {
            executor: "webhook",
            connector: row.name,
            httpStatus: sent.status,
            attempts: row.attempts,
          },
        });
      });
    } else if (row.attempts >= row.maxAttempts) {
      await db.transaction(async (tx) => {
        await tx
          .update(outbox)
          .set({ failedAt: sql`now()`, lockedUntil: null, lastError: sent.error })
          .where(eq(outbox.id, row.id));
        await report.finished(tx, row.executionId, {
          status: "failed",
          summary: `${row.name} did not accept it after ${row.attempts} attempts; last: ${sent.error}.`,
          result: {
            executor: "webhook",
            connector: row.name,
            httpStatus: sent.status,
            attempts: row.attempts,
            lastError: sent.error,
          },
        });
      });
    } else {
      await db
        .update(outbox)
        .set({
          lockedUntil: null,
          lastError: sent.error,
          nextAttemptAt: sql`now() + make_interval(secs => ${backoffMs(row.attempts, options.baseMs) / 1000})`,
        })
        .where(eq(outbox.id, row.id));
    }
  }
  return made;
}
