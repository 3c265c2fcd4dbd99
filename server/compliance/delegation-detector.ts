/**
 * Delegation used against its purpose: chains (A delegates to B while B delegates onward,
 * so the approval lands with someone A never chose) and self-serving delegation (A's
 * stand-in approves A's own requests during the delegation).
 */
import { sql } from "drizzle-orm";
import type { Detector, Hit } from "./detectors";

type ChainRow = { a: string; b: string; c: string; a_name: string; b_name: string; c_name: string };
type SelfRow = {
  from_id: string;
  to_id: string;
  from_name: string;
  to_name: string;
  requests: string[];
  approvals: string[];
};

export const delegationMisuse: Detector = {
  key: "delegation_misuse",
  title: "Delegation chains and self-serving delegation",
  description:
    "A delegate who delegates onward in the same period, or a delegate who approves the requests of the person who delegated to them.",
  defaults: { lookbackDays: 30 },
  run: async (db, _t, { since }) => {
    const chains = [
      ...(await db.execute<ChainRow>(sql`
        select d1.from_user_id as a, d1.to_user_id as b, d2.to_user_id as c,
               ua.name as a_name, ub.name as b_name, uc.name as c_name
          from delegations d1
          join delegations d2 on d2.from_user_id = d1.to_user_id
           and d2.starts_at < d1.ends_at and d1.starts_at < d2.ends_at
           and d2.revoked_at is null
          join users ua on ua.id = d1.from_user_id
          join users ub on ub.id = d1.to_user_id
          join users uc on uc.id = d2.to_user_id
         where d1.revoked_at is null and d1.ends_at >= ${since}`)),
    ];
    const selfServing = [
      ...(await db.execute<SelfRow>(sql`
        select d.from_user_id as from_id, d.to_user_id as to_id, uf.name as from_name, ut.name as to_name,
               array_agg(distinct r.id::text) as requests, array_agg(distinct a.id::text) as approvals
          from delegations d
          join approvals a on a.approver_id = d.to_user_id and a.decision = 'approve'
           and a.created_at >= d.starts_at and a.created_at < coalesce(d.revoked_at, d.ends_at)
          join action_requests r on r.id = a.request_id and r.requester_id = d.from_user_id
          join users uf on uf.id = d.from_user_id
          join users ut on ut.id = d.to_user_id
         where a.created_at >= ${since}
         group by d.from_user_id, d.to_user_id, uf.name, ut.name`)),
    ];
    const hits: Hit[] = [
      ...chains.map((r) => ({
        subject: `chain:${r.a}:${r.b}:${r.c}`,
        subjectUserId: r.b,
        severity: "medium" as const,
        count: 1,
        title: `Delegation chain: ${r.a_name} → ${r.b_name} → ${r.c_name}`,
        explanation: `${r.b_name} stands in for ${r.a_name} and, in the same period, delegated onward to ${r.c_name}. Approvals can land with someone ${r.a_name} never chose.`,
        evidence: { users: [r.a, r.b, r.c] },
      })),
      ...selfServing.map((r) => ({
        subject: `self:${r.from_id}:${r.to_id}`,
        subjectUserId: r.from_id,
        severity: "high" as const,
        count: r.requests.length,
        title: `${r.to_name} approved requests of ${r.from_name}, who delegated to them`,
        explanation: `While standing in for ${r.from_name}, ${r.to_name} approved ${r.requests.length} of ${r.from_name}'s own requests. A delegation must not become a way to approve one's own asks through a stand-in.`,
        evidence: {
          users: [r.from_id, r.to_id],
          requests: r.requests.slice(0, 50),
          approvals: r.approvals.slice(0, 50),
        },
      })),
    ];
    return hits;
  },
};
