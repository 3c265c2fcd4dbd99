/**
 * The mail outbox: notifications with `email_state = 'pending'` are sent over SMTP by any
 * worker (claimed with SKIP LOCKED and a lease), retried with the webhook outbox's backoff,
 * and marked failed after MAX_MAIL_ATTEMPTS. A mail server that is down delays mail; it never
 * loses it and never holds up the step that caused it.
 */
import { and, eq, isNull, lte, notInArray, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { notifications } from "@/db/schema";
import { backoffMs } from "../connectors/outbox";
import type { Mailer } from "./mailer";
import { htmlBody, textBody } from "./render";

export const MAX_MAIL_ATTEMPTS = 8;
const LEASE_SECONDS = 60;

type Claimed = { id: string; to: string; subject: string; body: string; link: string; attempts: number };

/** Claims one due mail not yet tried in this pass (each pass tries a mail at most once). */
async function claim(db: Db, tried: string[]): Promise<Claimed | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        id: notifications.id,
        to: notifications.emailTo,
        subject: notifications.subject,
        body: notifications.body,
        link: notifications.link,
        attempts: notifications.emailAttempts,
      })
      .from(notifications)
      .where(
        and(
          eq(notifications.emailState, "pending"),
          lte(notifications.emailNextAttemptAt, sql`now()`),
          or(isNull(notifications.emailLockedUntil), lte(notifications.emailLockedUntil, sql`now()`)),
          tried.length ? notInArray(notifications.id, tried) : undefined,
        ),
      )
      .orderBy(notifications.emailNextAttemptAt)
      .limit(1)
      .for("update", { skipLocked: true });
    if (!row) return null;
    const attempts = row.attempts + 1;
    await tx
      .update(notifications)
      .set({
        emailAttempts: attempts,
        emailLockedUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
      })
      .where(eq(notifications.id, row.id));
    return row.to ? { ...row, to: row.to, attempts } : null;
  });
}

/** Sends every due mail once; returns how many attempts were made. */
export async function sendDueMail(
  db: Db,
  mailer: Mailer,
  options: { baseMs?: number; limit?: number } = {},
): Promise<number> {
  const tried: string[] = [];
  for (let i = 0; i < (options.limit ?? 50); i++) {
    const row = await claim(db, tried);
    if (!row) break;
    tried.push(row.id);
    const error = await mailer
      .send({
        to: row.to,
        subject: row.subject,
        text: textBody(row.body, row.link),
        html: htmlBody(row.subject, row.body, row.link),
      })
      .then(() => null)
      .catch((e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 500));
    if (error === null) {
      await db
        .update(notifications)
        .set({ emailState: "sent", emailSentAt: sql`now()`, emailLockedUntil: null, emailLastError: null })
        .where(eq(notifications.id, row.id));
    } else if (row.attempts >= MAX_MAIL_ATTEMPTS) {
      await db
        .update(notifications)
        .set({ emailState: "failed", emailLockedUntil: null, emailLastError: error })
        .where(eq(notifications.id, row.id));
    } else {
      await db
        .update(notifications)
        .set({
          emailLockedUntil: null,
          emailLastError: error,
          emailNextAttemptAt: sql`now() + make_interval(secs => ${backoffMs(row.attempts, options.baseMs) / 1000})`,
        })
        .where(eq(notifications.id, row.id));
    }
  }
  return tried.length;
}
