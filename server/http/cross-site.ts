import type { HeaderReader } from "./header-reader";

/**
 * Cross-site request refusal for state-changing calls: a browser names where a request
 * comes from (Sec-Fetch-Site, Origin); a page on another site must not be able to make a
 * signed-in user's browser approve, revoke or run anything. Requests without either
 * header (curl, server-to-server) carry no ambient browser credentials to abuse.
 */
export function crossSiteRefusal(headers: HeaderReader, appOrigins: readonly string[]): string | null {
  const site = headers.get("sec-fetch-site");
  if (site) {
    return site === "same-origin" || site === "none"
      ? null
      : `cross-site request refused (Sec-Fetch-Site: ${site})`;
  }
  // Older browsers send no Sec-Fetch-Site: fall back to Origin.
  const origin = headers.get("origin");
  if (origin && !appOrigins.includes(origin)) return `cross-origin request refused (Origin: ${origin})`;
  return null;
}
