import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { TOKEN_SCOPES, users, type TokenScope } from "@/db/schema";
import { loadUserForSystem } from "../auth/sessions";
import { authenticateToken } from "../tokens/authenticate";
import { issueToken, type NewToken } from "../tokens/tokens";
import { createContextInner } from "../trpc/init";
import { createCaller } from "../trpc/routers/_app";

/** A real token of the person's, written as the console writes one (the sudo check aside). */
export async function tokenFor(
  db: Db,
  email: string,
  scopes: readonly TokenScope[] = TOKEN_SCOPES,
  options: Partial<NewToken> = {},
): Promise<{ id: string; token: string }> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!row) throw new Error(`no user ${email}`);
  const person = await loadUserForSystem(db, row.id);
  const created = await db.transaction((tx) =>
    issueToken(
      tx,
      "personal",
      { userId: person.id, ownerId: person.id, createdBy: person },
      { name: "test token", scopes: [...scopes], ...options },
      null,
    ),
  );
  return { id: created.id, token: created.token };
}

/** A tRPC caller for the token, authenticated the way the REST API does it. */
export async function callerForToken(db: Db, token: string, ip = "127.0.0.1") {
  const meta = { requestId: "test", ip, userAgent: "vitest" };
  const check = await authenticateToken(db, `Bearer ${token}`, meta);
  if (!check.ok) throw new Error(`token refused: ${check.reason}`);
  return createCaller(createContextInner({ db, user: check.user, meta, token: check.token }));
}

export const allScopesBut = (...left: readonly string[]): TokenScope[] =>
  TOKEN_SCOPES.filter((s) => !left.includes(s));
