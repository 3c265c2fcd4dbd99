/** What the integrator reads from an inbox entry, and how it tells a refused row from a failing server. */
import { entryFields } from "./entry";

/**
 * The explorer's index columns of one body; null when the body is not a JSON object or holds
 * text PostgreSQL's jsonb refuses (U+0000, lone surrogates), which readers of `body::jsonb` would trip on.
 */
export function indexFields(
  body: string,
): { type: string | null; actorId: string | null; caseKey: string | null; at: string | null } | null {
  if (JSONB_REFUSES.test(body)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  // Versions 1 and 2 alike (the case key is `caseId` in version 1, `caseKey` from version 2).
  const entry = entryFields(parsed);
  if (!entry) return null;
  const raw = parsed as { actor?: { id?: unknown } | null };
  const actorId = typeof raw.actor?.id === "number" ? String(raw.actor.id) : (entry.actor?.id ?? null);
  return { type: entry.type, actorId, caseKey: entry.caseKey, at: entry.at };
}

// Escapes jsonb refuses: \u0000, and an escaped surrogate that is not half of an escaped pair. An
// escape is a backslash not itself escaped: preceded by an even number of backslashes.
const ESCAPE = String.raw`(?<!\\)(?:\\\\)*\\u`;
const HIGH = String.raw`[dD][89abAB][0-9a-fA-F]{2}`;
const LOW = String.raw`[dD][c-fC-F][0-9a-fA-F]{2}`;
const JSONB_REFUSES = new RegExp(
  String.raw`${ESCAPE}0000|${ESCAPE}${HIGH}(?!\\u${LOW})|(?<!\\u${HIGH})${ESCAPE}${LOW}`,
);

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the rows, not the server. */
export function refusedForItsData(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^2[23]/.test(code)) return true;
  }
  return false;
}

export function describe(error: unknown): string {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return `${code}: ${e.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
