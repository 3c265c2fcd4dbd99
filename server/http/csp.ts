/**
 * The Content-Security-Policy of every page: scripts only with this response's nonce (Next.js
 * puts it on its own scripts) or loaded by those ('strict-dynamic'), never inline otherwise.
 * Styles keep 'unsafe-inline': React sets style attributes, which a nonce cannot cover, and a
 * style cannot run code. Development adds 'unsafe-eval', which React's dev tooling needs.
 */
export function contentSecurityPolicy(nonce: string, development: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** 128 random bits, base64: unguessable, fresh for every response. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

export const HSTS = "max-age=63072000; includeSubDomains";
