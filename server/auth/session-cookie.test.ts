import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { cookieValue, sessionCookieName, sessionIdFromToken } from "./session-cookie";

const SECRET = "a-test-secret-that-is-at-least-32-characters";
const SID = "5b0f1a53-8f3c-4f0e-9a52-7d1f3c2b9e10";

describe("the session cookie", () => {
  it("reads the session id from a token next-auth issued, and nothing from one it did not", async () => {
    const token = await encode({ token: { sid: SID, name: "Ines" }, secret: SECRET, maxAge: 60 });
    expect(sessionIdFromToken(token, SECRET)).toBe(SID);
    expect(sessionIdFromToken(token, "another-secret-that-is-at-least-32-characters")).toBeNull();
    const [header = "", , iv = "", ciphertext = "", tag = ""] = token.split(".");
    const edited = [header, "", iv, `${ciphertext.slice(0, -2)}AA`, tag].join(".");
    expect(sessionIdFromToken(edited, SECRET)).toBeNull();
    // A token with no session id (signed in before sessions were server-side) names none.
    expect(sessionIdFromToken(await encode({ token: { name: "x" }, secret: SECRET }), SECRET)).toBeNull();
  });

  it("refuses an expired token, with next-auth's 15 s of clock tolerance", async () => {
    const token = await encode({ token: { sid: SID }, secret: SECRET, maxAge: 60 });
    const now = Date.now() / 1000;
    expect(sessionIdFromToken(token, SECRET, now + 70)).toBe(SID);
    expect(sessionIdFromToken(token, SECRET, now + 80)).toBeNull();
  });

  it("joins a token next-auth split over numbered cookies, and names the secure cookie on https", () => {
    const name = sessionCookieName("http://localhost:3000");
    expect(name).toBe("next-auth.session-token");
    expect(sessionCookieName("https://casefile.example")).toBe("__Secure-next-auth.session-token");
    expect(cookieValue(`a=1; ${name}.1=def; ${name}.0=abc`, name)).toBe("abcdef");
    expect(cookieValue(`${name}=whole; ${name}.0=abc`, name)).toBe("whole");
    expect(cookieValue(`other=1`, name)).toBeNull();
    expect(cookieValue(null, name)).toBeNull();
  });
});
