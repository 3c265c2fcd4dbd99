/**
 * Daily digests: for people who asked for one, notifications wait (`email_state = 'digest'`)
 * until a day has passed since their last digest; then one mail lists them all, and goes
 * out through the mail outbox like any other.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { notificationPreferences, notifications, users } from "@/db/schema";
import { paths } from "./links";

export async function queueDigests(
  db: Db,
  options: { baseUrl: string; everyHours?: number },
): Promise<number> {
  const hours = options.everyHours ?? 24;
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ userId: notificationPreferences.userId, email: users.email })
      .from(notificationPreferences)
      .innerJoin(users, eq(users.id, notificationPreferences.userId))
      .where(
        and(
          eq(notificationPreferences.emailMode, "digest"),
          sql`(${notificationPreferences.lastDigestAt} is null or ${notificationPreferences.lastDigestAt} <= now() - make_interval(hours => ${hours}))`,
          sql`exists (select 1 from notifications n where n.user_id = ${notificationPreferences.userId} and n.email_state = 'digest')`,
        ),
      )
      .for("update", { of: notificationPreferences, skipLocked: true });
    for (const person of due) {
      const waiting = await tx
        .select({ id: notifications.id, subject: notifications.subject, link: notifications.link })
        .from(notifications)
        .where(and(eq(notifications.userId, person.userId), eq(notifications.emailState, "digest")))
        .orderBy(asc(notifications.createdAt));
      const body = [
        `${waiting.length} notification${waiting.length === 1 ? "" : "s"} since your last digest:`,
        ...waiting.map((w) => `• ${w.subject} — ${w.link}`),
      ].join("\n");
      const [stamp] = await tx.execute<{ now: string }>(sql`select now()::text as now`);
      await tx.insert(notifications).values({
        userId: person.userId,
        kind: "digest",
        dedupKey: `digest:${stamp?.now ?? ""}:${person.userId}`,
        subject: `Casefile digest: ${waiting.length} notification${waiting.length === 1 ? "" : "s"}`,
        body,
        link: `${options.baseUrl}${paths.notifications()}`,
        emailState: "pending",
        emailTo: person.email,
      });
      await tx
        .update(notifications)
        .set({ emailState: "digested" })
        .where(
          inArray(
            notifications.id,
            waiting.map((w) => w.id),
          ),
        );
      await tx
        .update(notificationPreferences)
        .set({ lastDigestAt: sql`now()` })
        .where(eq(notificationPreferences.userId, person.userId));
    }
    return due.length;
  });
}
