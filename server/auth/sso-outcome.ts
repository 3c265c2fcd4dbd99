import type { Db } from "@/db/client";
import type { RequestMeta } from "../request-meta";
import { signInWithOidc, type OidcRefusal, type OidcSettings } from "./oidc";
import { safeReturnPath } from "./return-to";

/** Error codes the sign-in page turns into messages, for each refused single sign-on. */
export const OIDC_ERRORS: Record<OidcRefusal, string> = {
  disabled: "AccountDisabled",
  no_role: "SsoNoRole",
  email_unverified: "SsoEmailUnverified",
  email_unusable: "SsoEmailUnusable",
  identity_conflict: "SsoIdentityConflict",
  bad_claims: "SsoBadClaims",
  claims_too_large: "SsoClaimsTooLarge",
};

/** Anything that went wrong on the server: the details go to the log, never into a URL. */
export const SSO_FAILED = "SsoFailed";

/**
 * next-auth's signIn callback for single sign-on: the session to open, or the sign-in page
 * with a fixed error code.
 */
export async function ssoSignInOutcome(
  db: Db,
  settings: OidcSettings,
  claims: Record<string, unknown>,
  meta: RequestMeta,
): Promise<{ sessionId: string } | { redirect: string }> {
  try {
    const result = await signInWithOidc(db, settings, claims, meta);
    if (!result.ok) return { redirect: `/sign-in?error=${OIDC_ERRORS[result.reason]}` };
    return { sessionId: result.sessionId };
  } catch (error) {
    console.error("single sign-on failed:", error);
    return { redirect: `/sign-in?error=${SSO_FAILED}` };
  }
}

/**
 * next-auth's redirect callback: a path on this site or an absolute URL of this site's
 * origin, checked like any return path; anything else, or anything unparseable, is the
 * console home. Never throws (a malformed callbackUrl is no server error).
 */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    return "/";
  }
  const home = base.origin + base.pathname.replace(/\/$/, "");
  if (url.startsWith("/")) return home + safeReturnPath(url);
  try {
    const target = new URL(url);
    if (target.origin !== base.origin) return home;
    return home + safeReturnPath(url.slice(target.origin.length) || "/");
  } catch {
    return home;
  }
}
