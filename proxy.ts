import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, HSTS, newNonce } from "@/server/http/csp";
import { env } from "@/server/env";
import { withoutBadCallbackCookie } from "@/server/http/auth-request";

/**
 * Every document gets a fresh script nonce: Next.js reads the policy from the request headers and
 * puts the nonce on the scripts it renders. HSTS only where the app is built for production.
 */
export function proxy(request: NextRequest) {
  const production = env().NODE_ENV === "production";
  const csp = contentSecurityPolicy(newNonce(), !production);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", csp);
  // A callback-url cookie that does not parse would make every sign-in endpoint answer 500.
  if (request.nextUrl.pathname.startsWith("/api/auth/")) {
    const base = env().NEXTAUTH_URL ?? request.nextUrl.origin;
    const cookie = withoutBadCallbackCookie(request.headers.get("cookie"), base);
    if (cookie !== null) requestHeaders.set("cookie", cookie);
  }
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  if (production) response.headers.set("Strict-Transport-Security", HSTS);
  return response;
}

// Documents only: a JSON answer, a download or an asset is no page a script policy applies to,
// and tRPC is served before Next.js (server/cli/web.ts). The sign-in endpoints still pass through
// for the callback-url cookie repair above.
export const config = {
  matcher: [
    "/api/auth/:path*",
    {
      // Not static files, not APIs, and not prefetches (their payload is no document a policy applies to).
      source: "/((?!_next/static|_next/image|favicon.ico|robots.txt|api/).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
