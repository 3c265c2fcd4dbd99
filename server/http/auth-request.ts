/**
 * The sign-in endpoints refuse a callbackUrl they cannot parse with a server error before any
 * of our callbacks run (in the query, or in the cookie that remembers it). Such a value is
 * replaced by a return path this site accepts, or dropped, before they see the request.
 */
import { NextRequest } from "next/server";
import { safeRedirectUrl } from "../auth/return-to";

const CALLBACK_COOKIE = /^(__Secure-)?next-auth\.callback-url$/;

/** What next-auth accepts: an http(s) URL, or a path resolved against the site. */
function parses(value: string, base: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, value.startsWith("/") ? base : undefined).protocol);
  } catch {
    return false;
  }
}

function decoded(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/**
 * The cookie header without a callback-url cookie next-auth would choke on, or null when there
 * is none. Used by proxy.ts: next-auth reads cookies from the request as the proxy passes it on.
 */
export function withoutBadCallbackCookie(cookie: string | null, base: string): string | null {
  if (!cookie) return null;
  const parts = cookie.split(";");
  const kept = parts.filter((part) => {
    const at = part.indexOf("=");
    if (at < 0 || !CALLBACK_COOKIE.test(part.slice(0, at).trim())) return true;
    const value = decoded(part.slice(at + 1).trim());
    return value !== null && parses(value, base);
  });
  return kept.length === parts.length ? null : kept.join(";");
}

/** The request with a callbackUrl next-auth would choke on replaced by one this site accepts. */
export function sanitiseAuthRequest(req: NextRequest, base: string): NextRequest {
  const callbackUrl = req.nextUrl.searchParams.get("callbackUrl");
  if (callbackUrl === null || parses(callbackUrl, base)) return req;
  const url = new URL(req.url);
  url.searchParams.set("callbackUrl", safeRedirectUrl(callbackUrl, base));
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : req.body;
  // next-auth reads the request as Next.js hands it over (nextUrl and all).
  const init = { method: req.method, headers: req.headers, body, duplex: "half" };
  return new NextRequest(url, init as ConstructorParameters<typeof NextRequest>[1]);
}
