/** Tells grantees their grant is about to run out (once per grant), so the work is not cut off mid-way. */
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { paths } from "./links";
import { type Draft, queue, type QueueOptions } from "./queue";

/** Warn this long before a grant expires; only grants that lasted at least twice this are worth it. */
export const EXPIRY_WARNING_MINUTES = 10;

export async function warnExpiringGrants(db: Db, options: QueueOptions): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.execute<{
      grant_id: string;
      request_id: string;
      case_key: string;
      title: string;
      expires_at: string;
      user_id: string;
      email: string;
      name: string;
    }>(sql`
      select g.id as grant_id, g.request_id, c.key as case_key, t.title, g.expires_at::text as expires_at,
             u.id as user_id, u.email, u.name
        from grants g
        join cases c on c.id = g.case_id
        join action_types t on t.key = g.action_key
        join users u on u.id = g.grantee_id and u.disabled_at is null
       where g.revoked_at is null and g.uses < g.max_uses
         and g.expires_at > now()
         and g.expires_at <= now() + make_interval(mins => ${EXPIRY_WARNING_MINUTES})
         and g.expires_at - g.not_before >= make_interval(mins => ${EXPIRY_WARNING_MINUTES * 2})
         and not exists (select 1 from notifications n
                          where n.dedup_key = 'grant.expiring:' || g.id || ':' || g.grantee_id)`);
    const drafts: Draft[] = rows.map((r) => ({
      to: { id: r.user_id, email: r.email, name: r.name },
      kind: "grant.expiring",
      about: r.grant_id,
      subject: `[${r.case_key}] Your grant for ${r.title} expires soon`,
      body: `Case: ${r.case_key}\nAction: ${r.title}\nExpires: ${r.expires_at}\nRequest a new one if you still need it.`,
      path: paths.request(r.request_id),
    }));
    return queue(tx, drafts, options);
  });
}
