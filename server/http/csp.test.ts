import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce } from "./csp";

const scriptSrc = (csp: string) => csp.split("; ").find((d) => d.startsWith("script-src ")) ?? "";

describe("the content security policy", () => {
  it("allows scripts by nonce only, never inline, and keeps framing, plugins and base URLs out", () => {
    const nonce = newNonce();
    const csp = contentSecurityPolicy(nonce, false);
    expect(scriptSrc(csp)).toBe(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(csp).toContain("form-action 'self'");
  });

  it("adds 'unsafe-eval' in development only, and a fresh nonce each time", () => {
    expect(scriptSrc(contentSecurityPolicy("n", true))).toContain("'unsafe-eval'");
    expect(scriptSrc(contentSecurityPolicy("n", false))).not.toContain("unsafe");
    expect(newNonce()).not.toBe(newNonce());
    expect(newNonce()).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});
