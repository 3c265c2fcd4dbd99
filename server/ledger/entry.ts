/**
 * Reading an entry body, whatever its format version. Version 1 named the case key `caseId`;
 * version 2 names it `caseKey`. Every reader of bodies goes through here, so both read alike.
 */

/** The format new entries are written in. */
export const ENTRY_VERSION = 2;

export type EntryActor = { id: string; name: string | null } | null;

export type EntryRequest = { id: string | null; ip: string | null; userAgent: string | null } | null;

/** An entry's fields, the same for every version; null where the body has no such field. */
export type LedgerEntry = {
  v: number | null;
  id: string | null;
  type: string | null;
  at: string | null;
  actor: EntryActor;
  caseKey: string | null;
  subjects: string[];
  payload: Record<string, unknown>;
  request: EntryRequest;
};

const text = (v: unknown): string | null => (typeof v === "string" ? v : null);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The case key of a parsed body: `caseId` in version 1, `caseKey` from version 2 on. */
export function entryCaseKey(body: Record<string, unknown>): string | null {
  return text(body.v === 1 ? body.caseId : body.caseKey);
}

/** A parsed body's fields; null when it is not a JSON object. */
export function entryFields(parsed: unknown): LedgerEntry | null {
  if (!isObject(parsed)) return null;
  const actor = isObject(parsed.actor) ? parsed.actor : null;
  const request = isObject(parsed.request) ? parsed.request : null;
  return {
    v: typeof parsed.v === "number" ? parsed.v : null,
    id: text(parsed.id),
    type: text(parsed.type),
    at: text(parsed.at),
    actor: actor && typeof actor.id === "string" ? { id: actor.id, name: text(actor.name) } : null,
    caseKey: entryCaseKey(parsed),
    subjects: Array.isArray(parsed.subjects)
      ? parsed.subjects.filter((s): s is string => typeof s === "string")
      : [],
    payload: isObject(parsed.payload) ? parsed.payload : {},
    request: request
      ? { id: text(request.id), ip: text(request.ip), userAgent: text(request.userAgent) }
      : null,
  };
}

/** An entry body's fields; null when the text is not a JSON object. Never throws. */
export function readEntry(body: string): LedgerEntry | null {
  try {
    return entryFields(JSON.parse(body));
  } catch {
    return null;
  }
}
