/**
 * Chat messages through an outbox: a new request's message is written in the fan-out's
 * transaction and posted to the configured channel by any worker, with retries; a chat
 * service that is down delays the message and holds up nothing.
 */
import { and, eq, isNull, lte, notInArray, or, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { chatPosts } from "@/db/schema";
import { postGuarded } from "../../connectors/http-post";
import { backoffMs } from "../../connectors/outbox";
import type { Entry } from "../tell";
import { requestMessage } from "./blocks";
import { requestCard } from "./card";

export const MAX_CHAT_ATTEMPTS = 8;

/** The fan-out's hook: a new request (still pending) gets its interactive message. */
export async function queueChatPost(tx: Tx, entry: Entry, baseUrl: string): Promise<void> {
  if (entry.type !== "request.created") return;
  const requestId = entry.subjects[0];
  const card = requestId ? await requestCard(tx, requestId, baseUrl) : null;
  if (!card || !requestId) return;
  await tx
    .insert(chatPosts)
    .values({ requestId, dedupKey: `request.new:${requestId}`, body: JSON.stringify(requestMessage(card)) })
    .onConflictDoNothing({ target: chatPosts.dedupKey });
}

async function claim(db: Db, tried: string[]) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: chatPosts.id, body: chatPosts.body, attempts: chatPosts.attempts })
      .from(chatPosts)
      .where(
        and(
          isNull(chatPosts.sentAt),
          isNull(chatPosts.failedAt),
          lte(chatPosts.nextAttemptAt, sql`now()`),
          or(isNull(chatPosts.lockedUntil), lte(chatPosts.lockedUntil, sql`now()`)),
          tried.length ? notInArray(chatPosts.id, tried) : undefined,
        ),
      )
      .orderBy(chatPosts.nextAttemptAt)
      .limit(1)
      .for("update", { skipLocked: true });
    if (!row) return null;
    const attempts = row.attempts + 1;
    await tx
      .update(chatPosts)
      .set({ attempts, lockedUntil: sql`now() + interval '60 seconds'` })
      .where(eq(chatPosts.id, row.id));
    return { ...row, attempts };
  });
}

/** Posts every due chat message once; returns how many attempts were made. */
export async function sendDueChatPosts(
  db: Db,
  webhookUrl: string,
  options: { baseMs?: number; limit?: number; timeoutMs?: number } = {},
): Promise<number> {
  const tried: string[] = [];
  for (let i = 0; i < (options.limit ?? 50); i++) {
    const row = await claim(db, tried);
    if (!row) break;
    tried.push(row.id);
    const error = await postGuarded(webhookUrl, {
      headers: { "content-type": "application/json" },
      body: row.body,
      timeoutMs: options.timeoutMs ?? 10_000,
    })
      .then((status) => (status >= 200 && status < 300 ? null : `HTTP ${status}`))
      .catch((e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 500));
    const set =
      error === null
        ? { sentAt: sql`now()`, lockedUntil: null, lastError: null }
        : row.attempts >= MAX_CHAT_ATTEMPTS
          ? { failedAt: sql`now()`, lockedUntil: null, lastError: error }
          : {
              lockedUntil: null,
              lastError: error,
              nextAttemptAt: sql`now() + make_interval(secs => ${backoffMs(row.attempts, options.baseMs) / 1000})`,
            };
    await db.update(chatPosts).set(set).where(eq(chatPosts.id, row.id));
  }
  return tried.length;
}
