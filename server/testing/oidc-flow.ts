/**
 * Signs a test account in at the test provider over real HTTP, the way a browser would
 * (authorization code with PKCE, state and nonce), and returns the verified ID token claims —
 * what next-auth hands Casefile after its own callback.
 */
import { generators, Issuer } from "openid-client";
import { TEST_CLIENT } from "./oidc-client";

export const TEST_REDIRECT_URI = "http://localhost:3999/api/auth/callback/oidc";

export async function idTokenClaimsFor(issuerUrl: string, login: string): Promise<Record<string, unknown>> {
  const issuer = await Issuer.discover(issuerUrl);
  const client = new issuer.Client({
    client_id: TEST_CLIENT.clientId,
    client_secret: TEST_CLIENT.clientSecret,
    redirect_uris: [TEST_REDIRECT_URI],
    response_types: ["code"],
  });
  const verifier = generators.codeVerifier();
  const state = generators.state();
  const nonce = generators.nonce();
  const cookies = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...init.headers, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    for (const c of response.headers.getSetCookie()) {
      const [pair = ""] = c.split(";");
      const at = pair.indexOf("=");
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = response.headers.get("location");
    if (!location) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    return new URL(location, url).toString();
  };
  const interaction = await go(
    client.authorizationUrl({
      scope: "openid email profile",
      code_challenge: generators.codeChallenge(verifier),
      code_challenge_method: "S256",
      state,
      nonce,
    }),
  );
  const resume = await go(interaction, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ login }).toString(),
  });
  const callback = await go(resume);
  const tokens = await client.callback(TEST_REDIRECT_URI, client.callbackParams(callback), {
    code_verifier: verifier,
    state,
    nonce,
  });
  return tokens.claims();
}
