import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { ledgerInbox } from "@/db/schema";
import type { RequestMeta } from "../request-meta";
import { canonicalize, type JsonValue } from "./canonical";
import { ENTRY_VERSION } from "./entry";
import { payloadProblem, type LedgerEventType, type LedgerPayload } from "./events";
import { leafHash } from "./merkle";

export type LedgerActor = { id: string; name: string } | null;

export type LedgerEntryInput<T extends LedgerEventType = LedgerEventType> = {
  /** One of the ledger's event types (server/ledger/events), e.g. `auth.sign_in`. */
  type: T;
  actor: LedgerActor;
  /** The key of the case the entry belongs to (CASE-2026-0042), or none. */
  caseKey?: string | null;
  /** Ids of the records the entry is about (users, requests, grants…). */
  subjects?: string[];
  /** The event's details, in the shape its schema declares. */
  payload: LedgerPayload<T>;
  request?: RequestMeta | null;
};

/** An entry of any type, unchecked: for fixtures of the log's own mechanics only. */
export type UncheckedEntryInput = Omit<LedgerEntryInput, "type" | "payload"> & {
  type: string;
  payload?: { [key: string]: JsonValue };
};

// U+0000 (which jsonb, and so every reader of the log, refuses) and lone surrogates (which have no
// canonical form). In a `u` regex a well-formed pair is one code point, so only lone halves match.
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this finds
const UNRECORDABLE = /\u0000|\p{Cs}/gu;

/**
 * The entry with every such character in its text (keys too) written out as a visible `\uXXXX`:
 * text that came from elsewhere (an identity provider's claims, a connector's reply) is recorded
 * as sent, and no entry can stop the log that must take it.
 */
function recordable<T>(value: T): T {
  if (typeof value === "string") {
    UNRECORDABLE.lastIndex = 0;
    if (!UNRECORDABLE.test(value)) return value;
    return value.replace(
      UNRECORDABLE,
      (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
    ) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => recordable(v)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[recordable(k)] = recordable(v);
    return out as T;
  }
  return value;
}

/** What a caller keeps: the entry id and its leaf hash, which later yield an inclusion proof. */
export type Receipt = { entryId: string; leafHash: string };

// The database clock, as the entry's `at` (UTC, microseconds).
const DB_CLOCK = sql`to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Writes an entry to the ledger inbox inside the caller's transaction, so the
 * entry exists exactly when the change commits. The payload must match its
 * type's schema: a writer that gets it wrong fails to typecheck, and a value that
 * slipped past the types (a cast, parsed JSON) is refused here, which rolls the
 * change back rather than record what no reader expects.
 */
export async function appendLedger<T extends LedgerEventType>(
  tx: Tx,
  entry: LedgerEntryInput<T>,
): Promise<Receipt> {
  const problem = payloadProblem(entry.type, entry.payload);
  if (problem) throw new LedgerPayloadError(entry.type, problem);
  return writeEntry(tx, entry);
}

/** A payload that does not match its event type's schema: a fault of the writer, never of the user. */
export class LedgerPayloadError extends Error {
  constructor(
    readonly type: string,
    readonly problem: string,
  ) {
    super(`ledger entry ${type} refused: ${problem}`);
    this.name = "LedgerPayloadError";
  }
}

/**
 * The inbox insert, without the schema check. Takes no lock; the integrator
 * assigns the sequence number later. One statement: the database fills in the
 * time between the canonical parts on either side of it.
 */
export async function writeEntry(tx: Tx, raw: UncheckedEntryInput): Promise<Receipt> {
  const input = recordable(raw);
  const entryId = randomUUID();
  // RFC 8785 orders keys by UTF-16 code units: "actor" < "at" < every other key, so
  // `at` sits between the canonical actor and the canonical rest.
  const head = canonicalize({ actor: input.actor });
  const rest = canonicalize({
    v: ENTRY_VERSION,
    id: entryId,
    type: input.type,
    caseKey: input.caseKey ?? null,
    subjects: input.subjects ?? [],
    payload: input.payload ?? {},
    request: input.request
      ? { id: input.request.requestId, ip: input.request.ip, userAgent: input.request.userAgent }
      : null,
  });
  const before = `${head.slice(0, -1)},"at":"`;
  const after = `",${rest.slice(1)}`;
  // RETURNING names no column, so the application role needs no SELECT on the inbox.
  const [row] = await tx.execute<{ at: string }>(
    sql`insert into ${ledgerInbox} (entry_id, body) values (${entryId}, ${before} || ${DB_CLOCK} || ${after})
        returning ${DB_CLOCK} as at`,
  );
  if (!row) throw new Error("the ledger inbox did not accept the entry");
  const body = before + row.at + after;
  return { entryId, leafHash: leafHash(Buffer.from(body, "utf8")).toString("hex") };
}
