/**
 * Webhook deliveries of executions: the outbox sends them, and reports each first
 * attempt and outcome back here, where the execution records it.
 */
import type { Db } from "@/db/client";
import { type DeliveryReport, deliverDue } from "../connectors/outbox";
import { markRunning, recordOutcome } from "./executions";

const executionReport: DeliveryReport = {
  running: markRunning,
  finished: async (tx, executionId, outcome) => {
    await recordOutcome(tx, executionId, outcome, null);
  },
};

/** Sends every due webhook delivery once; returns how many attempts were made. */
export function deliverWebhooks(
  db: Db,
  options?: { baseMs?: number; limit?: number; timeoutMs?: number },
): Promise<number> {
  return deliverDue(db, executionReport, options);
}
