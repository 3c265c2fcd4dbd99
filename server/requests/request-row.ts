/** The request row under a decision, a cancellation or expiry, and the key of its case. */
import { eq, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import { actionRequests, type ActionRequest } from "@/db/schema";
import { DomainError } from "../errors";
import { dbNow } from "./params";

/** Locks the request row: decisions, cancellation and expiry on one request go one at a time. */
export async function lockRequest(tx: Tx, requestId: string): Promise<ActionRequest | null> {
  const [row] = await tx.select().from(actionRequests).where(eq(actionRequests.id, requestId)).for("update");
  return row ?? null;
}

export async function requirePending(tx: Tx, row: ActionRequest): Promise<void> {
  if (row.status !== "pending") throw new DomainError("CONFLICT", `This request is already ${row.status}`);
  if (row.expiresAt <= (await dbNow(tx))) {
    throw new DomainError("CONFLICT", "This request has expired without a decision");
  }
}

export async function caseKeyOf(tx: DbOrTx, caseId: string): Promise<string> {
  const [row] = await tx.execute<{ key: string }>(sql`select key from cases where id = ${caseId}`);
  if (!row) throw new Error(`no case ${caseId}`);
  return row.key;
}
