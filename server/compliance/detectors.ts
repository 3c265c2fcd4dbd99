/**
 * Anomaly detectors over the approval process. Each is one SQL query over a
 * look-back window that returns "hits": a subject (a person, a pair, a case, a
 * request), a severity, the rows behind it and an explanation in words. Findings
 * (server/compliance/findings.ts) deduplicate hits by detector and subject.
 */
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { FindingSeverity } from "@/db/schema";
import { BUSINESS_HOURS } from "../requests/policy";
import { eventType } from "../ledger/events";

export type Evidence = {
  requests?: string[];
  approvals?: string[];
  grants?: string[];
  executions?: string[];
  cases?: string[];
  users?: string[];
  /** Ledger sequence numbers. */
  ledger?: number[];
};

export type Hit = {
  subject: string;
  subjectUserId: string | null;
  severity: FindingSeverity;
  title: string;
  explanation: string;
  evidence: Evidence;
  /** How many instances of the pattern the evidence holds. */
  count: number;
};

export type Thresholds = Record<string, number>;
type Context = { since: SQL; orgTimeZone: string };

export type Detector = {
  key: string;
  title: string;
  description: string;
  defaults: Thresholds;
  run: (db: DbOrTx, t: Thresholds, ctx: Context) => Promise<Hit[]>;
};

/** At most this many ids of each kind are kept as a finding's evidence. */
const KEEP = 50;

type Row = Record<string, unknown>;
async function rows<T extends Row>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return [...result] as T[];
}
const ids = (v: unknown): string[] => (Array.isArray(v) ? v.map(String).slice(0, KEEP) : []);
const seqs = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number).slice(0, KEEP) : []);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const selfApproval: Detector = {
  key: "self_approval",
  title: "Self-approval attempts",
  description: "Someone tried to approve their own request (refused by the server, but a warning sign).",
  defaults: { lookbackDays: 30, minAttempts: 1 },
  run: async (db, t, { since }) =>
    (
      await rows<{ user_id: string; name: string; n: number; seqs: number[]; requests: string[] }>(
        db,
        sql`select e.actor_id as user_id, min(u.name) as name, count(*)::int as n,
              array_agg(e.seq order by e.seq desc) as seqs,
              array_agg(distinct e.body::jsonb -> 'subjects' ->> 0) as requests
            from ledger_entries e join users u on u.id::text = e.actor_id
            where e.type = ${eventType("request.self_approval_refused")} and e.at::timestamptz >= ${since}
            group by e.actor_id having count(*) >= ${t.minAttempts}::float8`,
      )
    ).map((r) => ({
      subject: r.user_id,
      subjectUserId: r.user_id,
      severity: "high",
      count: r.n,
      title: `${r.name} tried to approve their own request`,
      explanation: `${r.name} attempted to approve a request they made ${plural(r.n, "time")}. The server refused, but separation of duties was tested on purpose or by mistake: ask why.`,
      evidence: { ledger: seqs(r.seqs), requests: ids(r.requests), users: [r.user_id] },
    })),
};

const breakGlass: Detector = {
  key: "break_glass",
  title: "Break-glass use",
  description: "Every self-granted emergency grant, until its post-hoc review finds it justified.",
  defaults: { lookbackDays: 30 },
  run: async (db, _t, { since }) =>
    (
      await rows<{
        id: string;
        requester: string;
        name: string;
        action: string;
        verdict: string | null;
        case_key: string;
        grant_id: string | null;
      }>(
        db,
        sql`select r.id, r.requester_id as requester, u.name, r.action_key as action, b.verdict, c.key as case_key, g.id as grant_id
            from action_requests r join break_glass_reviews b on b.request_id = r.id
            join users u on u.id = r.requester_id join cases c on c.id = r.case_id
            left join grants g on g.request_id = r.id
            where r.break_glass and r.created_at >= ${since}`,
      )
    ).map((r) => ({
      subject: r.id,
      subjectUserId: r.requester,
      severity: r.verdict === "justified" ? "low" : "high",
      count: 1,
      title: `Break-glass by ${r.name}: ${r.action} on ${r.case_key}`,
      explanation:
        r.verdict === null
          ? `${r.name} granted themself ${r.action} without approval; its post-hoc review is still open.`
          : `${r.name} granted themself ${r.action} without approval; the review found it ${r.verdict}.`,
      evidence: { requests: [r.id], grants: r.grant_id ? [r.grant_id] : [], users: [r.requester] },
    })),
};

const rubberStamping: Detector = {
  key: "rubber_stamping",
  title: "Rubber-stamping",
  description:
    "An approver who approves within seconds of the request, or without a comment, most of the time.",
  defaults: { lookbackDays: 30, fastSeconds: 30, minApprovals: 5, minShare: 0.6 },
  run: async (db, t, { since }) =>
    (
      await rows<{
        approver: string;
        name: string;
        total: number;
        quick: number;
        silent: number;
        approvals: string[];
        requests: string[];
      }>(
        db,
        sql`select a.approver_id as approver, min(u.name) as name, count(*)::int as total,
              count(*) filter (where a.created_at - r.created_at < make_interval(secs => ${t.fastSeconds}))::int as quick,
              count(*) filter (where btrim(a.comment) = '')::int as silent,
              array_agg(a.id order by a.created_at desc) filter (where a.created_at - r.created_at < make_interval(secs => ${t.fastSeconds}) or btrim(a.comment) = '') as approvals,
              array_agg(r.id order by a.created_at desc) filter (where a.created_at - r.created_at < make_interval(secs => ${t.fastSeconds}) or btrim(a.comment) = '') as requests
            from approvals a join action_requests r on r.id = a.request_id join users u on u.id = a.approver_id
            where a.decision = 'approve' and a.created_at >= ${since}
            group by a.approver_id
            having count(*) >= ${t.minApprovals}::float8
              and count(*) filter (where a.created_at - r.created_at < make_interval(secs => ${t.fastSeconds}) or btrim(a.comment) = '')
                  >= ${t.minShare}::float8 * count(*)`,
      )
    ).map((r) => {
      const flagged = ids(r.approvals).length;
      return {
        subject: r.approver,
        subjectUserId: r.approver,
        severity: "medium",
        count: flagged,
        title: `${r.name} approves quickly or without comment`,
        explanation: `${r.name} gave ${plural(r.total, "approval")}: ${r.quick} within ${t.fastSeconds} s of the request and ${r.silent} with no comment. Approvals this fast or silent suggest the context is not being read.`,
        evidence: { approvals: ids(r.approvals), requests: ids(r.requests), users: [r.approver] },
      };
    }),
};

const wideGrants: Detector = {
  key: "wide_grants",
  title: "Wider grants than peers",
  description:
    "An approver whose grants for an action last longer or allow more uses than other approvers' for the same action.",
  defaults: { lookbackDays: 90, minGrants: 3, factor: 2 },
  run: async (db, t, { since }) =>
    (
      await rows<{
        approver: string;
        name: string;
        action: string;
        n: number;
        mine: number;
        peers: number;
        mine_uses: number;
        peer_uses: number;
        grants: string[];
      }>(
        db,
        sql`with g as (
              select gr.id, gr.action_key, a.approver_id,
                extract(epoch from gr.expires_at - gr.not_before) / 60 as minutes, gr.max_uses
              from grants gr join approvals a on a.request_id = gr.request_id and a.decision = 'approve'
              where gr.created_at >= ${since} and not gr.break_glass),
            per as (
              select approver_id, action_key, count(*)::int as n, avg(minutes) as mine, avg(max_uses) as mine_uses,
                array_agg(id) as grants from g group by approver_id, action_key)
            select p.approver_id as approver, u.name, p.action_key as action, p.n,
              round(p.mine)::int as mine, round(o.peers)::int as peers,
              round(p.mine_uses, 1)::float as mine_uses, round(o.peer_uses, 1)::float as peer_uses, p.grants
            from per p join users u on u.id = p.approver_id
            cross join lateral (select avg(minutes) as peers, avg(max_uses) as peer_uses from g
              where g.action_key = p.action_key and g.approver_id <> p.approver_id) o
            where p.n >= ${t.minGrants}::float8 and o.peers is not null
              and (p.mine > ${t.factor}::float8 * o.peers or p.mine_uses > ${t.factor}::float8 * o.peer_uses)`,
      )
    ).map((r) => ({
      subject: `${r.approver}:${r.action}`,
      subjectUserId: r.approver,
      severity: "medium",
      count: r.n,
      title: `${r.name} grants ${r.action} more widely than peers`,
      explanation: `Over ${plural(r.n, "grant")} of ${r.action}, ${r.name}'s last ${r.mine} min with ${r.mine_uses} uses on average; other approvers' last ${r.peers} min with ${r.peer_uses} uses. Grants should be as small as the work needs.`,
      evidence: { grants: ids(r.grants), users: [r.approver] },
    })),
};

const offHours: Detector = {
  key: "off_hours",
  title: "Off-hours activity",
  description: "Requests made or decided outside business hours in the person's own time zone.",
  defaults: { lookbackDays: 30, minEvents: 3 },
  run: async (db, t, { since, orgTimeZone }) => {
    const outside = (ts: SQL) =>
      sql`(extract(isodow from ${ts} at time zone coalesce(u.time_zone, ${orgTimeZone})) > 5
        or extract(hour from ${ts} at time zone coalesce(u.time_zone, ${orgTimeZone})) not between ${BUSINESS_HOURS.startHour} and ${BUSINESS_HOURS.endHour - 1})`;
    const found = await rows<{
      user_id: string;
      name: string;
      n: number;
      requests: string[];
      approvals: string[];
    }>(
      db,
      sql`with acts as (
            select r.requester_id as user_id, r.id as request_id, null::uuid as approval_id
            from action_requests r join users u on u.id = r.requester_id
            where r.created_at >= ${since} and ${outside(sql`r.created_at`)}
            union all
            select a.approver_id, a.request_id, a.id from approvals a join users u on u.id = a.approver_id
            where a.created_at >= ${since} and ${outside(sql`a.created_at`)})
          select acts.user_id, min(u.name) as name, count(*)::int as n,
            array_agg(distinct request_id) filter (where approval_id is null) as requests,
            array_agg(approval_id) filter (where approval_id is not null) as approvals
          from acts join users u on u.id = acts.user_id
          group by acts.user_id having count(*) >= ${t.minEvents}::float8`,
    );
    return found.map((r) => ({
      subject: r.user_id,
      subjectUserId: r.user_id,
      severity: "low",
      count: r.n,
      title: `${r.name} requests or approves outside business hours`,
      explanation: `${plural(r.n, "request or decision", "requests or decisions")} by ${r.name} fell outside Monday–Friday ${BUSINESS_HOURS.startHour}:00–${BUSINESS_HOURS.endHour}:00 in their time zone. Fine during an incident; worth a look when it is routine.`,
      evidence: { requests: ids(r.requests), approvals: ids(r.approvals), users: [r.user_id] },
    }));
  },
};

export { selfApproval, breakGlass, rubberStamping, wideGrants, offHours, rows, ids, seqs, plural };
