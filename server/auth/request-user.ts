import type { DbOrTx } from "@/db/client";
import { env } from "../env";
import type { HeaderReader } from "../http/header-reader";
import { cookieValue, sessionCookieName, sessionIdFromToken } from "./session-cookie";
import { loadSessionUser, type SessionUser } from "./sessions";

/** The session row a request's session cookie names, or null (no cookie, or one that does not verify). */
export function sessionIdOf(headers: HeaderReader): string | null {
  const { AUTH_SECRET: secret, NEXTAUTH_URL: publicUrl } = env();
  if (!secret) return null;
  const token = cookieValue(headers.get("cookie"), sessionCookieName(publicUrl));
  return token ? sessionIdFromToken(token, secret) : null;
}

/**
 * Who a request acts for: the one place a credential becomes a user, whatever the credential
 * (today the browser's session cookie), always the same `SessionUser` shape. Checked against
 * the database on every request with one indexed read, so a revoked or expired session, or a
 * disabled user, is refused on the next request.
 */
export async function resolveRequestUser(db: DbOrTx, headers: HeaderReader): Promise<SessionUser | null> {
  const sessionId = sessionIdOf(headers);
  return sessionId ? loadSessionUser(db, sessionId) : null;
}
