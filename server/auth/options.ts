import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "../db";
import { env } from "../env";
import { checkCredentials, openSession, revokeSession, SESSION_TTL_SECONDS } from "./sessions";

/** Error code the sign-in form turns into "this account is disabled". */
export const ACCOUNT_DISABLED = "AccountDisabled";

function header(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== "object") return null;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === "string" ? value : null;
}

export const authOptions: NextAuthOptions = {
  secret: env().AUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_TTL_SECONDS },
  pages: { signIn: "/sign-in", signOut: "/sign-out", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, req) {
        const email = credentials?.email ?? "";
        const password = credentials?.password ?? "";
        if (!email || !password || email.length > 320 || password.length > 1024) return null;
        const db = getDb();
        const result = await checkCredentials(db, email, password);
        if (!result.ok) {
          if (result.reason === "disabled") throw new Error(ACCOUNT_DISABLED);
          return null;
        }
        const forwarded = header(req.headers, "x-forwarded-for")?.split(",")[0]?.trim();
        const sessionId = await openSession(db, result.user.id, {
          ip: forwarded ?? null,
          userAgent: header(req.headers, "user-agent"),
        });
        return { ...result.user, sessionId, roles: [] };
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
      if (token?.sid) await revokeSession(getDb(), token.sid);
    },
  },
};
