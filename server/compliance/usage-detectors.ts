/** Detectors about who works with whom and how grants are used (see detectors.ts for the shape). */
import { sql } from "drizzle-orm";
import { type Detector, ids, plural, rows, seqs } from "./detectors";
import { readEntry } from "../ledger/entry";
import { eventType, readPayload } from "../ledger/events";

export const pairConcentration: Detector = {
  key: "pair_concentration",
  title: "Same requester and approver",
  description:
    "One approver decides far more of a requester's requests than their share of eligible approvers would suggest (possible collusion).",
  defaults: { lookbackDays: 90, minPairs: 5, factor: 3 },
  run: async (db, t, { since }) =>
    (
      await rows<{
        requester: string;
        approver: string;
        rname: string;
        aname: string;
        n: number;
        total: number;
        approvers: number;
        approvals: string[];
      }>(
        db,
        sql`with d as (
              select r.requester_id, a.approver_id, a.id from approvals a join action_requests r on r.id = a.request_id
              where a.decision = 'approve' and a.created_at >= ${since}),
            pool as (select count(distinct ur.user_id)::int as approvers from user_roles ur join users u on u.id = ur.user_id
              where ur.role = 'approver' and u.disabled_at is null)
            select d.requester_id as requester, d.approver_id as approver, min(ru.name) as rname, min(au.name) as aname,
              count(*)::int as n, min(t.total) as total, min(pool.approvers) as approvers, array_agg(d.id) as approvals
            from d join users ru on ru.id = d.requester_id join users au on au.id = d.approver_id
            join (select requester_id, count(*)::int as total from d group by requester_id) t on t.requester_id = d.requester_id
            cross join pool
            group by d.requester_id, d.approver_id
            having count(*) >= ${t.minPairs}::float8 and min(pool.approvers) >= 2
              and count(*)::float / min(t.total) > least(0.95, ${t.factor}::float / min(pool.approvers))`,
      )
    ).map((r) => ({
      subject: `${r.requester}:${r.approver}`,
      subjectUserId: r.approver,
      severity: "medium",
      count: r.n,
      title: `${r.aname} approves most of ${r.rname}'s requests`,
      explanation: `${r.aname} gave ${r.n} of the ${r.total} approvals ${r.rname}'s requests received, with ${r.approvers} approvers available (about ${Math.round(100 / r.approvers)}% each if shared evenly). A fixed pair weakens the second pair of eyes.`,
      evidence: { approvals: ids(r.approvals), users: [r.requester, r.approver] },
    })),
};

export const requestBursts: Detector = {
  key: "request_bursts",
  title: "Bursts of requests",
  description: "Many requests by one person within a few minutes.",
  defaults: { lookbackDays: 30, minRequests: 10, windowMinutes: 10 },
  run: async (db, t, { since }) =>
    (
      await rows<{ requester: string; name: string; n: number; requests: string[] }>(
        db,
        sql`with starts as (
              select r.requester_id, r.created_at as start,
                (select count(*) from action_requests x where x.requester_id = r.requester_id
                  and x.created_at >= r.created_at and x.created_at < r.created_at + make_interval(mins => ${t.windowMinutes})) as n
              from action_requests r where r.created_at >= ${since}),
            best as (select distinct on (requester_id) requester_id, start, n from starts
              where n >= ${t.minRequests}::float8 order by requester_id, n desc, start)
            select b.requester_id as requester, u.name, b.n::int as n,
              (select array_agg(x.id) from action_requests x where x.requester_id = b.requester_id
                and x.created_at >= b.start and x.created_at < b.start + make_interval(mins => ${t.windowMinutes})) as requests
            from best b join users u on u.id = b.requester_id`,
      )
    ).map((r) => ({
      subject: r.requester,
      subjectUserId: r.requester,
      severity: "medium",
      count: r.n,
      title: `${r.name} sent ${r.n} requests within ${t.windowMinutes} minutes`,
      explanation: `A burst of ${r.n} requests by ${r.name} in ${t.windowMinutes} minutes: automation, a compromised session, or an attempt to wear approvers down.`,
      evidence: { requests: ids(r.requests), users: [r.requester] },
    })),
};

export const scopeProbing: Detector = {
  key: "scope_probing",
  title: "Repeated refused executions",
  description:
    "Executions refused again and again (outside scope, expired, someone else's grant): probing the limits.",
  defaults: { lookbackDays: 30, minRefusals: 3 },
  run: async (db, t, { since }) =>
    (
      await rows<{ user_id: string; name: string; n: number; seqs: number[]; grants: string[] }>(
        db,
        sql`select e.actor_id as user_id, min(u.name) as name, count(*)::int as n,
              array_agg(e.seq order by e.seq desc) as seqs,
              array_agg(distinct e.body::jsonb -> 'subjects' ->> 0) as grants
            from ledger_entries e join users u on u.id::text = e.actor_id
            where e.type = ${eventType("action.denied_attempt")} and e.at::timestamptz >= ${since}
            group by e.actor_id having count(*) >= ${t.minRefusals}::float8`,
      )
    ).map((r) => ({
      subject: r.user_id,
      subjectUserId: r.user_id,
      severity: "high",
      count: r.n,
      title: `${r.name} had ${r.n} executions refused`,
      explanation: `${plural(r.n, "execution")} by ${r.name} were refused by the grant check. Repeated refusals look like testing what the grants allow.`,
      evidence: { ledger: seqs(r.seqs), grants: ids(r.grants), users: [r.user_id] },
    })),
};

export const unusedGrants: Detector = {
  key: "unused_grants",
  title: "Unused or under-used grants",
  description:
    "Grants that ended without being used, or with most of their uses left: access given that was not needed.",
  defaults: { lookbackDays: 30, minGrants: 3, usedShareBelow: 0.25 },
  run: async (db, t, { since }) =>
    (
      await rows<{ grantee: string; name: string; n: number; unused: number; grants: string[] }>(
        db,
        sql`select g.grantee_id as grantee, min(u.name) as name, count(*)::int as n,
              count(*) filter (where g.uses = 0)::int as unused, array_agg(g.id) as grants
            from grants g join users u on u.id = g.grantee_id
            where g.created_at >= ${since} and (g.expires_at <= now() or g.revoked_at is not null)
              and (g.uses = 0 or (g.max_uses >= 4 and g.uses::float / g.max_uses < ${t.usedShareBelow}::float8))
            group by g.grantee_id having count(*) >= ${t.minGrants}::float8`,
      )
    ).map((r) => ({
      subject: r.grantee,
      subjectUserId: r.grantee,
      severity: "low",
      count: r.n,
      title: `${r.name} leaves grants unused`,
      explanation: `${plural(r.n, "grant")} to ${r.name} ended unused or mostly unused (${r.unused} never used). Ask for what the work needs, and approvers: grant less.`,
      evidence: { grants: ids(r.grants), users: [r.grantee] },
    })),
};

export const lastMinute: Detector = {
  key: "last_minute",
  title: "Executions at the last minute",
  description: "Actions run in the final minutes of their grant's window, often and by the same person.",
  defaults: { lookbackDays: 30, lastMinutes: 2, minExecutions: 2 },
  run: async (db, t, { since }) =>
    (
      await rows<{ executor: string; name: string; n: number; executions: string[] }>(
        db,
        sql`select x.executor_id as executor, min(u.name) as name, count(*)::int as n, array_agg(x.id) as executions
            from executions x join grants g on g.id = x.grant_id join users u on u.id = x.executor_id
            where x.started_at >= ${since} and x.started_at > g.expires_at - make_interval(mins => ${t.lastMinutes})
              and g.expires_at - g.not_before > make_interval(mins => ${t.lastMinutes} * 2)
            group by x.executor_id having count(*) >= ${t.minExecutions}::float8`,
      )
    ).map((r) => ({
      subject: r.executor,
      subjectUserId: r.executor,
      severity: "low",
      count: r.n,
      title: `${r.name} runs actions just before their grants expire`,
      explanation: `${plural(r.n, "execution")} by ${r.name} started in the last ${t.lastMinutes} minutes of the grant. Racing the clock, or holding a grant longer than the work needed.`,
      evidence: { executions: ids(r.executions), users: [r.executor] },
    })),
};

export const closedCaseActivity: Detector = {
  key: "closed_case_activity",
  title: "Activity on closed cases",
  description: "Requests, decisions or executions on a case after it was closed.",
  defaults: { lookbackDays: 90 },
  run: async (db, _t, { since }) =>
    (
      await rows<{ case_id: string; case_key: string; n: number; requests: string[]; executions: string[] }>(
        db,
        sql`select c.id as case_id, c.key as case_key, count(*)::int as n,
              array_agg(a.request_id) filter (where a.kind = 'request') as requests,
              array_agg(a.id) filter (where a.kind = 'execution') as executions
            from cases c join lateral (
              select 'request' as kind, r.id, r.id as request_id, r.created_at as at from action_requests r where r.case_id = c.id
              union all select 'approval', ap.id, ap.request_id, ap.created_at from approvals ap join action_requests r on r.id = ap.request_id where r.case_id = c.id
              union all select 'execution', x.id, g.request_id, x.started_at from executions x join grants g on g.id = x.grant_id where x.case_id = c.id
            ) a on a.at > c.closed_at
            where c.status = 'closed' and c.closed_at is not null and a.at >= ${since}
            group by c.id, c.key`,
      )
    ).map((r) => ({
      subject: r.case_id,
      subjectUserId: null,
      severity: "high",
      count: r.n,
      title: `Activity on closed case ${r.case_key}`,
      explanation: `${plural(r.n, "request, decision or execution", "requests, decisions or executions")} on ${r.case_key} after it was closed. Response actions belong to open cases.`,
      evidence: { cases: [r.case_id], requests: ids(r.requests), executions: ids(r.executions) },
    })),
};

export const ledgerVerification: Detector = {
  key: "ledger_verification",
  title: "Ledger verification failure",
  description:
    "The latest scheduled verification of the audit ledger failed: entries may have been changed, removed or reordered.",
  defaults: {},
  run: async (db) => {
    const [latest] = await rows<{ seq: number; body: string }>(
      db,
      sql`select seq, body from ledger_entries where type = ${eventType("ledger.verified")} order by seq desc limit 1`,
    );
    // Read with the event's schema: a body that does not match it is itself a failed verification.
    const payload = latest ? readPayload("ledger.verified", readEntry(latest.body)?.payload) : null;
    if (!latest || (payload?.ok && (payload.state?.ok ?? true))) return [];
    const firstBad = payload?.firstBadSeq ?? null;
    const explanation = !payload
      ? "The latest verification entry does not read as one. Treat the audit trail as tampered with until explained."
      : payload.ok
        ? `The tables do not match the ledger: ${payload.state?.first[0] ?? "see the reconciliation report"}. A change was made outside the application's audited paths; treat it as tampering until explained.`
        : `Verification found the ledger inconsistent${firstBad !== null ? ` from entry ${firstBad}` : ""}: ${payload.problem ?? "see the verification report"}. Treat the audit trail as tampered with until explained.`;
    return [
      {
        subject: "ledger",
        subjectUserId: null,
        severity: "critical",
        count: 1,
        title: payload?.ok
          ? "The tables differ from the audit ledger"
          : "The audit ledger failed verification",
        explanation,
        evidence: { ledger: [Number(latest.seq), ...(firstBad !== null ? [Number(firstBad)] : [])] },
      },
    ];
  },
};
