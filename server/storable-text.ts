/**
 * One rule for all input, at the edge: text may not hold U+0000 or a lone surrogate. PostgreSQL
 * `text` and `jsonb` refuse the first, and neither has a canonical form for the ledger, so such
 * input would otherwise fail deep inside a transaction (a 500) or reach the audit trail.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this finds
const UNSTORABLE = /\u0000|\p{Cs}/u;

/** The dotted path of the first string (value or key) in the input that holds such a character. */
export function unstorableTextAt(value: unknown, path: string[] = []): string | null {
  if (typeof value === "string") return UNSTORABLE.test(value) ? path.join(".") || "input" : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = unstorableTextAt(item, [...path, String(i)]);
      if (found !== null) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) return [...path, key.replace(UNSTORABLE, "?")].join(".");
      const found = unstorableTextAt(item, [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}

/** The text with each such character replaced by U+FFFD: for lookups keyed by outside text (sign-in names). */
export function storable(text: string): string {
  return text.replace(new RegExp(UNSTORABLE.source, "gu"), "\uFFFD");
}
