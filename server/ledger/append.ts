import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { ledgerInbox } from "@/db/schema";
import type { RequestMeta } from "../request-meta";
import { canonicalize, type JsonValue } from "./canonical";
import { leafHash } from "./merkle";

export type LedgerActor = { id: string; name: string } | null;

export type LedgerEntryInput = {
  /** Dotted event name, e.g. `auth.sign_in`, `admin.user.disabled`. */
  type: string;
  actor: LedgerActor;
  caseId?: string | null;
  /** Ids of the records the entry is about (users, requests, grants…). */
  subjects?: string[];
  payload?: { [key: string]: JsonValue };
  request?: RequestMeta | null;
};

/** What a caller keeps: the entry id and its leaf hash, which later yield an inclusion proof. */
export type Receipt = { entryId: string; leafHash: string };

/**
 * Writes an entry to the ledger inbox inside the caller's transaction, so the
 * entry exists exactly when the change commits. Takes no lock; the integrator
 * assigns the sequence number later.
 */
export async function appendLedger(tx: Tx, input: LedgerEntryInput): Promise<Receipt> {
  const [clock] = await tx.execute<{ at: string }>(
    sql`select to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at`,
  );
  if (!clock) throw new Error("database clock unavailable");
  const entryId = randomUUID();
  const body = canonicalize({
    v: 1,
    id: entryId,
    type: input.type,
    at: clock.at,
    actor: input.actor,
    caseId: input.caseId ?? null,
    subjects: input.subjects ?? [],
    payload: input.payload ?? {},
    request: input.request
      ? { id: input.request.requestId, ip: input.request.ip, userAgent: input.request.userAgent }
      : null,
  });
  await tx.insert(ledgerInbox).values({ entryId, body });
  return { entryId, leafHash: leafHash(Buffer.from(body, "utf8")).toString("hex") };
}
