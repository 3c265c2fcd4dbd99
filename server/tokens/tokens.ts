import { aliasedTable, and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { apiTokens, users, type TokenKind, type TokenScope } from "@/db/schema";
import { freshSecondFactor } from "../auth/second-factor";
import type { SessionUser } from "../auth/sessions";
import { requireSudo, type SudoProof } from "../auth/sudo";
import { env } from "../env";
import { DomainError } from "../errors";
import { parseCidr } from "../http/client-address";
import { appendLedger } from "../ledger/append";
import { notifyNewToken } from "../notify/account";
import type { RequestMeta } from "../request-meta";
import { newTokenSecret } from "./secret";

export const DEFAULT_TOKEN_DAYS = 30;

export type NewToken = { name: string; scopes: TokenScope[]; days?: number; sourceCidrs?: string[] };
export type CreatedToken = { id: string; token: string; prefix: string; expiresAt: Date };

function checkShape(input: NewToken): { days: number; cidrs: string[] } {
  const max = env().CASEFILE_API_TOKEN_MAX_DAYS;
  const days = input.days ?? Math.min(DEFAULT_TOKEN_DAYS, max);
  if (days > max) {
    throw new DomainError("BAD_REQUEST", `at most ${max} days (the maximum set for this organisation)`, {
      field: "days",
    });
  }
  const cidrs: string[] = [];
  for (const [i, raw] of (input.sourceCidrs ?? []).entries()) {
    const cidr = parseCidr(raw);
    if (!cidr) {
      throw new DomainError("BAD_REQUEST", "not an address or CIDR (e.g. 10.0.0.0/8)", {
        field: `sourceCidrs.${i}`,
      });
    }
    cidrs.push(`${cidr.address}/${cidr.prefix}`);
  }
  return { days, cidrs };
}

/** Writes the token and its ledger entry inside `tx`; callers check who may (sudo mode, admin). */
export async function issueToken(
  tx: Tx,
  kind: TokenKind,
  who: { userId: string; ownerId: string; createdBy: SessionUser },
  input: NewToken,
  request: RequestMeta | null,
): Promise<CreatedToken> {
  const { days, cidrs } = checkShape(input);
  const secret = newTokenSecret();
  const scopes = [...new Set(input.scopes)].sort();
  const [row] = await tx
    .insert(apiTokens)
    .values({
      kind,
      name: input.name,
      userId: who.userId,
      ownerId: who.ownerId,
      createdBy: who.createdBy.id,
      prefix: secret.prefix,
      secretHash: secret.hash,
      scopes,
      sourceCidrs: cidrs,
      expiresAt: sql`now() + make_interval(days => ${days})`,
    })
    .returning({ id: apiTokens.id, expiresAt: apiTokens.expiresAt });
  if (!row) throw new Error("token insert returned no row");
  await appendLedger(tx, {
    type: "token.created",
    actor: { id: who.createdBy.id, name: who.createdBy.name },
    subjects: [row.id, who.userId],
    payload: {
      kind,
      name: input.name,
      prefix: secret.prefix,
      scopes,
      sourceCidrs: cidrs,
      expiresAt: row.expiresAt.toISOString(),
      owner: who.ownerId,
    },
    request,
  });
  // The person answerable for the token hears of it, whoever created it.
  await notifyNewToken(tx, who.ownerId, { id: row.id, name: input.name });
  return { id: row.id, token: secret.token, prefix: secret.prefix, expiresAt: row.expiresAt };
}

/** A personal token: the person's own, created in sudo mode (recent re-authentication). */
export async function createPersonalToken(
  db: Db,
  user: SessionUser,
  input: NewToken & SudoProof,
  request: RequestMeta | null = null,
): Promise<CreatedToken> {
  checkShape(input);
  await requireSudo(db, user, input, "Creating a token", request);
  return db.transaction((tx) =>
    issueToken(tx, "personal", { userId: user.id, ownerId: user.id, createdBy: user }, input, request),
  );
}

/** A service account's token, created by an admin (with a fresh second factor) and owned by a person. */
export async function createServiceToken(
  db: Db,
  admin: SessionUser,
  input: NewToken & { serviceAccountId: string; ownerId: string; secondFactorCode?: string },
  request: RequestMeta | null = null,
): Promise<CreatedToken> {
  checkShape(input);
  await freshSecondFactor(db, admin, input.secondFactorCode, "Admin changes", request);
  return db.transaction(async (tx) => {
    const found = await tx
      .select({ id: users.id, serviceAccount: users.serviceAccount, disabledAt: users.disabledAt })
      .from(users)
      .where(inArray(users.id, [input.serviceAccountId, input.ownerId]));
    const account = found.find((u) => u.id === input.serviceAccountId);
    const owner = found.find((u) => u.id === input.ownerId);
    if (!account?.serviceAccount || account.disabledAt) {
      throw new DomainError("BAD_REQUEST", "Choose an active service account", { field: "serviceAccountId" });
    }
    if (!owner || owner.serviceAccount || owner.disabledAt) {
      throw new DomainError("BAD_REQUEST", "The owner must be an active person", { field: "ownerId" });
    }
    return issueToken(
      tx,
      "service",
      { userId: account.id, ownerId: owner.id, createdBy: admin },
      input,
      request,
    );
  });
}

const holder = aliasedTable(users, "holder");
const owner = aliasedTable(users, "owner");

function tokenRows(tx: DbOrTx) {
  return tx
    .select({
      id: apiTokens.id,
      kind: apiTokens.kind,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      scopes: apiTokens.scopes,
      sourceCidrs: apiTokens.sourceCidrs,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      lastUsedIp: apiTokens.lastUsedIp,
      revokedAt: apiTokens.revokedAt,
      userId: apiTokens.userId,
      userName: holder.name,
      ownerId: apiTokens.ownerId,
      ownerName: owner.name,
      expired: sql<boolean>`${apiTokens.expiresAt} <= now()`,
    })
    .from(apiTokens)
    .innerJoin(holder, eq(holder.id, apiTokens.userId))
    .innerJoin(owner, eq(owner.id, apiTokens.ownerId));
}

/** The person's own tokens and those of service accounts they own, newest first. */
export function listMyTokens(db: DbOrTx, user: SessionUser) {
  return tokenRows(db)
    .where(sql`(${apiTokens.userId} = ${user.id} or ${apiTokens.ownerId} = ${user.id})`)
    .orderBy(desc(apiTokens.createdAt))
    .limit(200);
}

/** Every token, for admins. */
export function listAllTokens(db: DbOrTx) {
  return tokenRows(db).orderBy(desc(apiTokens.createdAt)).limit(500);
}

/** Revokes a token: its holder or owner may, and an admin may revoke any. */
export async function revokeToken(
  db: Db,
  user: SessionUser,
  input: { tokenId: string },
  request: RequestMeta | null = null,
): Promise<void> {
  const admin = user.roles.includes("admin");
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: sql`now()`, revokedBy: user.id })
      .where(
        and(
          eq(apiTokens.id, input.tokenId),
          isNull(apiTokens.revokedAt),
          admin ? undefined : sql`(${apiTokens.userId} = ${user.id} or ${apiTokens.ownerId} = ${user.id})`,
        ),
      )
      .returning({
        id: apiTokens.id,
        prefix: apiTokens.prefix,
        userId: apiTokens.userId,
        name: apiTokens.name,
      });
    if (!row) throw new DomainError("NOT_FOUND", "No such live token of yours", { field: "tokenId" });
    await appendLedger(tx, {
      type: "token.revoked",
      actor: { id: user.id, name: user.name },
      subjects: [row.id, row.userId],
      payload: { prefix: row.prefix, name: row.name },
      request,
    });
  });
}
