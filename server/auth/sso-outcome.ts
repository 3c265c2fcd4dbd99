import type { Db } from "@/db/client";
import type { RequestMeta } from "../request-meta";
import { signInWithOidc, type OidcRefusal, type OidcSettings } from "./oidc";

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
