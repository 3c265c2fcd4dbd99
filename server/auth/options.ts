import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "../db";
import { env } from "../env";
import type { RequestMeta } from "../request-meta";
import { SESSION_TTL_SECONDS } from "./sessions";
import { signInWithPassword, signOutSession } from "./sign-in";

/** Error code the sign-in form turns into "this account is disabled". */
export const ACCOUNT_DISABLED = "AccountDisabled";
export const SIGN_IN_LOCKED = "SignInLocked";
export const SECOND_FACTOR_REQUIRED = "SecondFactorRequired";
export const SECOND_FACTOR_INVALID = "SecondFactorInvalid";

/** next-auth v4 hands authorize() the request headers as a plain object. */
function metaFrom(headers: unknown): RequestMeta {
  const get = (name: string) => {
    const value = headers && typeof headers === "object" ? (headers as Record<string, unknown>)[name] : null;
    return typeof value === "string" ? value : null;
  };
  return {
    requestId: get("x-request-id") ?? crypto.randomUUID(),
    ip: get("x-forwarded-for")?.split(",")[0]?.trim() ?? null,
    userAgent: get("user-agent"),
  };
}

export const authOptions: NextAuthOptions = {
  secret: env().AUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_TTL_SECONDS },
  pages: { signIn: "/sign-in", signOut: "/sign-out", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { type: "email" }, password: { type: "password" }, code: { type: "text" } },
      async authorize(credentials, req) {
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
      },
    }),
  ],
  callbacks: {
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
