/**
 * Out of office: an approver names a delegate for a period. The delegate must hold the approver
 * role; each decision still needs the delegate's own eligibility (the decision service applies
 * it). While the delegation runs, the delegate is told of requests in the approver's place and
 * their decisions record "on behalf of". Creating and ending one is ledgered.
 */
import { aliasedTable, and, desc, eq, gt, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { delegations, userRoles, users } from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { actorOf } from "../cases/access";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";

export const MAX_DELEGATION_DAYS = 90;

export async function delegate(
  db: Db,
  user: SessionUser,
  input: { toUserId: string; startsAt: Date; endsAt: Date; reason?: string },
  request: RequestMeta | null = null,
): Promise<{ id: string }> {
  if (!user.roles.includes("approver"))
    throw new DomainError("FORBIDDEN", "Only approvers delegate their approvals");
  if (input.toUserId === user.id)
    throw new DomainError("BAD_REQUEST", "Choose someone else as your delegate", { field: "toUserId" });
  if (input.endsAt <= input.startsAt)
    throw new DomainError("BAD_REQUEST", "The period must end after it starts", { field: "endsAt" });
  if (input.endsAt.getTime() - input.startsAt.getTime() > MAX_DELEGATION_DAYS * 86_400_000)
    throw new DomainError("BAD_REQUEST", `A delegation lasts at most ${MAX_DELEGATION_DAYS} days`, {
      field: "endsAt",
    });
  return db.transaction(async (tx) => {
    const [to] = await tx
      .select({ id: users.id, name: users.name, serviceAccount: users.serviceAccount })
      .from(users)
      .innerJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.role, "approver")))
      .where(and(eq(users.id, input.toUserId), isNull(users.disabledAt)));
    if (!to || to.serviceAccount)
      throw new DomainError("BAD_REQUEST", "The delegate must be an active approver in their own right", {
        field: "toUserId",
      });
    const [ended] = await tx.execute<{ past: boolean }>(
      sql`select ${input.endsAt.toISOString()}::timestamptz <= now() as past`,
    );
    if (ended?.past)
      throw new DomainError("BAD_REQUEST", "The period has already ended", { field: "endsAt" });
    const [row] = await tx
      .insert(delegations)
      .values({
        fromUserId: user.id,
        toUserId: to.id,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        reason: input.reason?.trim().slice(0, 500) ?? "",
      })
      .returning({ id: delegations.id });
    if (!row) throw new Error("delegation not stored");
    await appendLedger(tx, {
      type: "delegation.created",
      actor: actorOf(user),
      subjects: [row.id, user.id, to.id],
      payload: {
        fromUserId: user.id,
        toUserId: to.id,
        toName: to.name,
        startsAt: input.startsAt.toISOString(),
        endsAt: input.endsAt.toISOString(),
      },
      request,
    });
    return row;
  });
}

export async function endDelegation(
  db: Db,
  user: SessionUser,
  id: string,
  request: RequestMeta | null = null,
) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(delegations)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(delegations.id, id), eq(delegations.fromUserId, user.id), isNull(delegations.revokedAt)))
      .returning();
    if (!row) throw new DomainError("NOT_FOUND", "No such delegation of yours");
    await appendLedger(tx, {
      type: "delegation.revoked",
      actor: actorOf(user),
      subjects: [row.id, row.fromUserId, row.toUserId],
      payload: { fromUserId: row.fromUserId, toUserId: row.toUserId },
      request,
    });
  });
}

/** Delegations the person gave or holds, newest first. */
export async function myDelegations(db: DbOrTx, user: SessionUser) {
  const from = aliasedTable(users, "from_user");
  const to = aliasedTable(users, "to_user");
  return db
    .select({
      id: delegations.id,
      fromName: from.name,
      toName: to.name,
      fromMe: sql<boolean>`${delegations.fromUserId} = ${user.id}`,
      startsAt: delegations.startsAt,
      endsAt: delegations.endsAt,
      reason: delegations.reason,
      revokedAt: delegations.revokedAt,
    })
    .from(delegations)
    .innerJoin(from, eq(from.id, delegations.fromUserId))
    .innerJoin(to, eq(to.id, delegations.toUserId))
    .where(or(eq(delegations.fromUserId, user.id), eq(delegations.toUserId, user.id)))
    .orderBy(desc(delegations.createdAt))
    .limit(50);
}

const running = () =>
  and(
    isNull(delegations.revokedAt),
    lte(delegations.startsAt, sql`now()`),
    gt(delegations.endsAt, sql`now()`),
  );

/** Who this person stands in for right now; `{}` when nobody (a decision's ledger payload spreads it). */
export async function onBehalfOf(
  tx: Tx,
  userId: string,
): Promise<{ onBehalfOf?: { id: string; name: string }[] }> {
  const rows = await tx
    .select({ id: users.id, name: users.name })
    .from(delegations)
    .innerJoin(users, eq(users.id, delegations.fromUserId))
    .where(and(eq(delegations.toUserId, userId), running()));
  return rows.length ? { onBehalfOf: rows } : {};
}

/** Running delegations from these people: whom to tell in their place. */
export async function delegatesOf(tx: Tx, fromUserIds: string[]) {
  if (fromUserIds.length === 0) return [];
  return tx
    .select({ fromUserId: delegations.fromUserId, toUserId: delegations.toUserId })
    .from(delegations)
    .where(and(inArray(delegations.fromUserId, fromUserIds), running()));
}
