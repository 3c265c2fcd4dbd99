/**
 * Puts notifications in people's lists and, by their preferences, in the mail outbox —
 * inside the caller's transaction. A thing is told to a person once (`dedupKey`).
 */
import { inArray } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { notificationPreferences, notifications, type NotificationKind } from "@/db/schema";
import type { Recipient } from "./recipients";

export type Draft = {
  to: Recipient;
  kind: NotificationKind;
  /** What the notification is about (request, grant, finding…): with kind and person, told once. */
  about: string;
  subject: string;
  body: string;
  /** Path inside Casefile, e.g. /approvals/<id>. */
  path: string;
};

/** Security notices about one's own account are always mailed at once and cannot be muted. */
const ALWAYS: ReadonlySet<NotificationKind> = new Set(["account.security"]);

export type QueueOptions = { baseUrl: string; mail: boolean };

export async function queue(tx: Tx, drafts: Draft[], options: QueueOptions): Promise<number> {
  if (drafts.length === 0) return 0;
  const ids = [...new Set(drafts.map((d) => d.to.id))];
  const prefs = await tx
    .select()
    .from(notificationPreferences)
    .where(inArray(notificationPreferences.userId, ids));
  const byUser = new Map(prefs.map((p) => [p.userId, p]));
  const rows = drafts.flatMap((d) => {
    const pref = byUser.get(d.to.id);
    const always = ALWAYS.has(d.kind);
    if (!always && pref?.muted.includes(d.kind)) return [];
    const mode = always ? "immediate" : (pref?.emailMode ?? "immediate");
    const emailState = !options.mail
      ? ("none" as const)
      : mode === "immediate"
        ? ("pending" as const)
        : mode === "digest"
          ? ("digest" as const)
          : ("none" as const);
    return [
      {
        userId: d.to.id,
        kind: d.kind,
        dedupKey: `${d.kind}:${d.about}:${d.to.id}`,
        subject: d.subject,
        body: d.body,
        link: `${options.baseUrl}${d.path}`,
        emailState,
        emailTo: emailState === "none" ? null : d.to.email,
      },
    ];
  });
  if (rows.length === 0) return 0;
  const inserted = await tx
    .insert(notifications)
    .values(rows)
    .onConflictDoNothing({ target: notifications.dedupKey })
    .returning({ id: notifications.id });
  return inserted.length;
}
