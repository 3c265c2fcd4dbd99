/**
 * Sent with every response, documents and API answers alike. The Content-Security-Policy
 * (with its per-request script nonce) and HSTS are set on documents in proxy.ts.
 */
export const SECURITY_HEADERS = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
] as const;
