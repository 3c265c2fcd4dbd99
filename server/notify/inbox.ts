/** A person's own notifications and what they want to be told: read and changed by that person only. */
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import {
  EMAIL_MODES,
  type EmailMode,
  NOTIFICATION_KINDS,
  type NotificationKind,
  notificationPreferences,
  notifications,
} from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { actorOf } from "../cases/access";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";

/** Kinds a person may switch off (account security notices always reach them). */
export const MUTABLE_KINDS = NOTIFICATION_KINDS.filter(
  (k): k is Exclude<NotificationKind, "account.security" | "digest"> =>
    k !== "account.security" && k !== "digest",
);

export async function listMine(db: DbOrTx, user: SessionUser, options: { limit?: number } = {}) {
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      subject: notifications.subject,
      body: notifications.body,
      link: notifications.link,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      emailState: notifications.emailState,
      emailSentAt: notifications.emailSentAt,
      emailLastError: notifications.emailLastError,
    })
    .from(notifications)
    .where(eq(notifications.userId, user.id))
    .orderBy(desc(notifications.createdAt))
    .limit(options.limit ?? 100);
  const [count] = await db
    .select({ unread: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, user.id), isNull(notifications.readAt)));
  // Links are shown as paths: the page is on the same site.
  return {
    unread: count?.unread ?? 0,
    items: rows.map((r) => ({ ...r, path: pathOf(r.link) })),
  };
}

function pathOf(link: string): string {
  try {
    const u = new URL(link);
    return `${u.pathname}${u.search}`;
  } catch {
    return "/";
  }
}

/** Marks the given notifications (or all) read; only the person's own. */
export async function markRead(db: DbOrTx, user: SessionUser, ids: string[] | "all"): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(
      and(
        eq(notifications.userId, user.id),
        isNull(notifications.readAt),
        ids === "all" ? undefined : inArray(notifications.id, ids.length ? ids : [user.id]),
      ),
    )
    .returning({ id: notifications.id });
  return rows.length;
}

export type Preferences = { emailMode: EmailMode; muted: NotificationKind[] };

export async function preferencesOf(db: DbOrTx, user: SessionUser): Promise<Preferences> {
  const [row] = await db
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, user.id));
  return {
    emailMode: row?.emailMode ?? "immediate",
    muted: (row?.muted ?? []).filter((k): k is NotificationKind =>
      (MUTABLE_KINDS as readonly string[]).includes(k),
    ),
  };
}

export async function setPreferences(
  db: Db,
  user: SessionUser,
  input: { emailMode: string; muted: string[] },
  request: RequestMeta | null = null,
): Promise<Preferences> {
  if (!(EMAIL_MODES as readonly string[]).includes(input.emailMode))
    throw new DomainError("BAD_REQUEST", `Email is one of ${EMAIL_MODES.join(", ")}`, { field: "emailMode" });
  const unknown = input.muted.find((k) => !(MUTABLE_KINDS as readonly string[]).includes(k));
  if (unknown !== undefined)
    throw new DomainError("BAD_REQUEST", `Not a notification you can switch off: ${unknown.slice(0, 40)}`, {
      field: "muted",
    });
  const prefs = { emailMode: input.emailMode as EmailMode, muted: [...new Set(input.muted)].sort() };
  await db.transaction(async (tx) => {
    await tx
      .insert(notificationPreferences)
      .values({ userId: user.id, ...prefs })
      .onConflictDoUpdate({
        target: notificationPreferences.userId,
        set: { ...prefs, updatedAt: sql`now()` },
      });
    await appendLedger(tx, {
      type: "notification.preferences_changed",
      actor: actorOf(user),
      subjects: [user.id],
      payload: { emailMode: prefs.emailMode, muted: prefs.muted },
      request,
    });
  });
  return prefs as Preferences;
}
