import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { headers } from "next/headers";
import { getDb } from "../db";
import { env } from "../env";
import { requestMetaFrom, type RequestMeta } from "../request-meta";
import { oidcConfig } from "./oidc";
import { safeRedirectUrl } from "./return-to";
import { ssoSignInOutcome } from "./sso-outcome";
import { SESSION_TTL_SECONDS } from "./sessions";
import { signInWithPassword, signOutSession } from "./sign-in";

/** Error code the sign-in form turns into "this account is disabled". */
export const ACCOUNT_DISABLED = "AccountDisabled";
export const SIGN_IN_LOCKED = "SignInLocked";
export const SECOND_FACTOR_REQUIRED = "SecondFactorRequired";
export const SECOND_FACTOR_INVALID = "SecondFactorInvalid";
export const PASSWORD_SIGN_IN_OFF = "PasswordSignInOff";
/** A failure on the server's side: its details are logged; the sign-in page only gets this code. */
export const SIGN_IN_FAILED = "SignInFailed";
const SIGN_IN_CODES = new Set<string>([
  ACCOUNT_DISABLED,
  SIGN_IN_LOCKED,
  SECOND_FACTOR_REQUIRED,
  SECOND_FACTOR_INVALID,
  PASSWORD_SIGN_IN_OFF,
]);

/** The single sign-on provider's id in next-auth's URLs (/api/auth/signin/oidc, …/callback/oidc). */
export const OIDC_PROVIDER_ID = "oidc";

/** Generic OpenID Connect, by discovery; the ID token (signature, issuer, audience, nonce checked) carries the claims. */
function oidcProvider(): OAuthConfig<Record<string, unknown>>[] {
  const config = oidcConfig();
  if (!config) return [];
  return [
    {
      id: OIDC_PROVIDER_ID,
      name: config.name,
      type: "oauth",
      wellKnown: `${config.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      authorization: { params: { scope: config.scope } },
      idToken: true,
      checks: ["pkce", "state", "nonce"],
      // The session id is filled in by the signIn callback, which opens the Casefile session.
      profile: (claims) => ({
        id: String(claims.sub),
        name: typeof claims.name === "string" ? claims.name : null,
        email: typeof claims.email === "string" ? claims.email : null,
        sessionId: "",
        roles: [],
      }),
    },
  ];
}

/** next-auth v4 hands authorize() the request headers as a plain object. */
function metaFrom(headers: unknown): RequestMeta {
  const plain = new Headers();
  if (headers && typeof headers === "object") {
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === "string") plain.set(name, value);
    }
  }
  return requestMetaFrom(plain);
}

/** Lets our sign-in codes through; anything else is logged and becomes SIGN_IN_FAILED. */
function withFixedCodes<A extends unknown[], R>(authorize: (...args: A) => Promise<R>) {
  return (...args: A): Promise<R> =>
    authorize(...args).catch((error: unknown) => {
      if (error instanceof Error && SIGN_IN_CODES.has(error.message)) throw error;
      console.error("password sign-in failed:", error);
      throw new Error(SIGN_IN_FAILED);
    });
}

export const authOptions: NextAuthOptions = {
  secret: env().AUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_TTL_SECONDS },
  pages: { signIn: "/sign-in", signOut: "/sign-out", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { type: "email" }, password: { type: "password" }, code: { type: "text" } },
      // next-auth puts a thrown error's message into the URL: only our fixed codes may get there.
      authorize: withFixedCodes(async (credentials, req) => {
        if (env().CASEFILE_PASSWORD_SIGN_IN === "false") throw new Error(PASSWORD_SIGN_IN_OFF);
        const email = credentials?.email ?? "";
        const password = credentials?.password ?? "";
        if (!email || !password || email.length > 320 || password.length > 1024) return null;
        const code = (credentials?.code ?? "").slice(0, 64);
        const result = await signInWithPassword(getDb(), { email, password, code }, metaFrom(req.headers));
        if (!result.ok) {
          if (result.reason === "disabled") throw new Error(ACCOUNT_DISABLED);
          if (result.reason === "locked") throw new Error(SIGN_IN_LOCKED);
          if (result.reason === "second_factor_required") throw new Error(SECOND_FACTOR_REQUIRED);
          if (result.reason === "invalid_code") throw new Error(SECOND_FACTOR_INVALID);
          return null;
        }
        return { ...result.user, sessionId: result.sessionId, roles: [] };
      }),
    }),
    ...oidcProvider(),
  ],
  callbacks: {
    /** Single sign-on opens the Casefile session here (or refuses, with a code the page shows). */
    async signIn({ user, account, profile }) {
      if (account?.provider !== OIDC_PROVIDER_ID) return true;
      const config = oidcConfig();
      if (!config || !profile) return false;
      const outcome = await ssoSignInOutcome(
        getDb(),
        config.settings,
        { ...profile },
        requestMetaFrom(await headers()),
      );
      if ("redirect" in outcome) return outcome.redirect;
      user.sessionId = outcome.sessionId;
      return true;
    },
    redirect: ({ url, baseUrl }) => safeRedirectUrl(url, baseUrl),
    jwt({ token, user }) {
      if (user) token.sid = user.sessionId;
      return token;
    },
    session({ session, token }) {
      session.sid = token.sid;
      return session;
    },
  },
  events: {
    async signOut({ token }) {
      if (token?.sid) await signOutSession(getDb(), token.sid, null);
    },
  },
};
