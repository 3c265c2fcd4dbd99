/**
 * Case content enters the ledger only as salted commitments. The salt and the text stay in
 * the case tables, so a case member (or compliance) can show that a text matches its entry,
 * while anyone who reads only the ledger can neither read the text nor test guesses at it.
 *
 * Byte layout (recompute offline with any SHA-256 tool):
 *
 *   commitment = lower-case hex of SHA-256( salt ‖ UTF-8( JCS(fields) ) )
 *
 * - `salt`: the record's 32 raw bytes (the `salt` column; shown as 64 hex digits).
 * - `fields`: a JSON object of the record's committed text fields (see COMMITTED_FIELDS), every
 *   value a string, exactly as stored; JCS is RFC 8785 canonical JSON, so keys are sorted and the
 *   strings escaped one way only (e.g. {"body":"Saw jdoe log in"}). Text is well-formed Unicode,
 *   as the database stores it (a lone surrogate is U+FFFD).
 *
 * Ledger entries carry them as `payload.commitments`: an object from record id to commitment.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { canonicalize } from "./canonical";

export const SALT_BYTES = 32;

// The database stores UTF-8, so a lone surrogate is stored (and committed) as U+FFFD.
const LONE_SURROGATE = /\p{Cs}/gu;

/** The record kinds whose text is committed, and which of their fields. */
export const COMMITTED_FIELDS = {
  case: ["title", "summary"],
  note: ["body"],
  event: ["title", "description"],
  entity: ["notes"],
  evidence: ["name", "source", "description"],
  custody: ["note"],
} as const;

export type CommittedKind = keyof typeof COMMITTED_FIELDS;
export type CommittedText<K extends CommittedKind> = { [F in (typeof COMMITTED_FIELDS)[K][number]]: string };

export const newSalt = (): Buffer => randomBytes(SALT_BYTES);

/** The exact bytes that are hashed: salt, then the canonical JSON of the committed fields. */
export function commitmentPreimage<K extends CommittedKind>(
  kind: K,
  salt: Buffer,
  text: CommittedText<K>,
): Buffer {
  if (salt.length !== SALT_BYTES) throw new Error(`a commitment salt has ${SALT_BYTES} bytes`);
  const record = text as Record<string, string>;
  const fields = Object.fromEntries(
    COMMITTED_FIELDS[kind].map((f) => [f, (record[f] ?? "").replace(LONE_SURROGATE, "\uFFFD")]),
  );
  return Buffer.concat([salt, Buffer.from(canonicalize(fields), "utf8")]);
}

export function commitment<K extends CommittedKind>(kind: K, salt: Buffer, text: CommittedText<K>): string {
  return createHash("sha256")
    .update(commitmentPreimage(kind, salt, text))
    .digest("hex");
}

/** Whether the text and salt give the recorded commitment (constant time in the comparison). */
export function matchesCommitment<K extends CommittedKind>(
  kind: K,
  salt: Buffer,
  text: CommittedText<K>,
  recorded: string,
): boolean {
  if (!/^[0-9a-f]{64}$/.test(recorded)) return false;
  return timingSafeEqual(Buffer.from(commitment(kind, salt, text), "hex"), Buffer.from(recorded, "hex"));
}
