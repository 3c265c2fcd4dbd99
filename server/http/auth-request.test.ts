import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { sanitiseAuthRequest, withoutBadCallbackCookie } from "./auth-request";

const base = "http://localhost:3000";

describe("sign-in endpoints never see a callbackUrl they cannot parse", () => {
  it("replaces a malformed callbackUrl in the query with this site", () => {
    const req = new NextRequest(`${base}/api/auth/signin/oidc?callbackUrl=%25`, { method: "POST" });
    expect(sanitiseAuthRequest(req, base).nextUrl.searchParams.get("callbackUrl")).toBe(base);
    const fine = new NextRequest(`${base}/api/auth/signin/oidc?callbackUrl=%2Fcases`);
    expect(sanitiseAuthRequest(fine, base)).toBe(fine);
  });

  it("drops a malformed callback-url cookie and keeps the others", () => {
    expect(withoutBadCallbackCookie("next-auth.callback-url=%25; other=1", base)).toBe(" other=1");
    expect(withoutBadCallbackCookie("__Secure-next-auth.callback-url=%E0%A4%A; a=b", base)).toBe(" a=b");
    expect(
      withoutBadCallbackCookie("next-auth.callback-url=http%3A%2F%2Flocalhost%3A3000%2Fcases", base),
    ).toBeNull();
    expect(withoutBadCallbackCookie(null, base)).toBeNull();
  });
});
