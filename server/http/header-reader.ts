import type { IncomingHttpHeaders } from "node:http";

/** Read access to request headers: a fetch `Headers`, or a Node request's via `nodeHeaders`. */
export type HeaderReader = { get(name: string): string | null };

/** A Node request's headers (lower-case names) as a `HeaderReader`, without copying them. */
export function nodeHeaders(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}
