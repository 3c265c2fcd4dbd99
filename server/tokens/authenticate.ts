import { BlockList, isIP } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiTokenAddresses, apiTokens, userRoles, users } from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import { hashToken, looksLikeToken } from "./secret";

/** The token behind a call: the procedures it opens are in scopes.ts. */
export type TokenAuth = { id: string; kind: "personal" | "service"; scopes: string[] };

export type TokenCheck =
  | { ok: true; user: SessionUser; token: TokenAuth }
  | { ok: false; reason: "missing" | "invalid" | "address" };

/** "Bearer cf_…" → the token text, or null. */
export function bearerOf(header: string | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

function allowedFrom(cidrs: readonly string[], ip: string | null): boolean {
  if (cidrs.length === 0) return true;
  if (!ip || !isIP(ip)) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = "", prefix = ""] = cidr.split("/");
    list.addSubnet(address, Number(prefix), isIP(address) === 4 ? "ipv4" : "ipv6");
  }
  return list.check(ip, isIP(ip) === 4 ? "ipv4" : "ipv6");
}

/**
 * The person a token acts as, in the same shape a session gives, or why not. A token counts
 * only while live (database clock), unrevoked, its person enabled, and from an allowed address.
 * Its session id names no session, so nothing that needs a person at a console (sudo mode,
 * step-up) can ever pass with it. First use from a new address is ledgered.
 */
export async function authenticateToken(
  db: Db,
  header: string | null,
  meta: RequestMeta,
): Promise<TokenCheck> {
  const presented = bearerOf(header);
  if (!presented) return { ok: false, reason: "missing" };
  if (!looksLikeToken(presented)) return { ok: false, reason: "invalid" };
  const rows = await db
    .select({
      tokenId: apiTokens.id,
      kind: apiTokens.kind,
      scopes: apiTokens.scopes,
      sourceCidrs: apiTokens.sourceCidrs,
      prefix: apiTokens.prefix,
      id: users.id,
      email: users.email,
      name: users.name,
      clearance: users.clearance,
      totpEnabledAt: users.totpEnabledAt,
      secondFactorResetAt: users.secondFactorResetAt,
      serviceAccount: users.serviceAccount,
      role: userRoles.role,
      seenLongAgo: sql<boolean>`${apiTokens.lastUsedAt} is null or ${apiTokens.lastUsedAt} < now() - interval '1 minute' or ${apiTokens.lastUsedIp} is distinct from ${meta.ip}`,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(userRoles, eq(userRoles.userId, users.id))
    .where(
      and(
        eq(apiTokens.secretHash, hashToken(presented)),
        sql`${apiTokens.revokedAt} is null`,
        sql`${apiTokens.expiresAt} > now()`,
        sql`${users.disabledAt} is null`,
      ),
    );
  const [first] = rows;
  if (!first) return { ok: false, reason: "invalid" };
  if (!allowedFrom(first.sourceCidrs, meta.ip)) return { ok: false, reason: "address" };
  const user: SessionUser = {
    id: first.id,
    email: first.email,
    name: first.name,
    clearance: first.clearance,
    roles: rows.flatMap((r) => (r.role ? [r.role] : [])).sort(),
    sessionId: `token:${first.tokenId}`,
    secondFactorEnrolled: first.totpEnabledAt !== null,
    secondFactorReset: first.secondFactorResetAt !== null,
    serviceAccount: first.serviceAccount,
  };
  if (first.seenLongAgo) await noteUse(db, { id: first.tokenId, prefix: first.prefix }, user, meta);
  return { ok: true, user, token: { id: first.tokenId, kind: first.kind, scopes: first.scopes } };
}

/** Last used time and address; the first use from an address is written to the ledger with it. */
async function noteUse(db: Db, token: { id: string; prefix: string }, user: SessionUser, meta: RequestMeta) {
  await db.transaction(async (tx) => {
    await tx
      .update(apiTokens)
      .set({ lastUsedAt: sql`now()`, lastUsedIp: meta.ip })
      .where(eq(apiTokens.id, token.id));
    const ip = meta.ip ?? "unknown";
    const [fresh] = await tx
      .insert(apiTokenAddresses)
      .values({ tokenId: token.id, ip })
      .onConflictDoNothing()
      .returning({ ip: apiTokenAddresses.ip });
    if (fresh) {
      await appendLedger(tx, {
        type: "token.used_from_new_address",
        actor: { id: user.id, name: user.name },
        subjects: [token.id, user.id],
        payload: { prefix: token.prefix, ip },
        request: meta,
      });
    }
  });
}
