/**
 * The compliance dashboard's figures for a period, and the rows behind each one
 * (every number on the dashboard links to `rowsBehind` with the same period).
 */
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { env } from "../env";
import { DomainError } from "../errors";
import { integrationLag, lagAlarm } from "../ledger/lag";
import { rows } from "./detectors";
import { eventType } from "../ledger/events";

export type Period = { from: Date; to: Date };
/** Optionally, only requests made by people of one team, and what followed from them. */
export type Scope = Period & { team?: string | null };

/** True for rows whose person (requester, grantee, executor) is in the team; everything when no team is set. */
function inTeam(team: string | null | undefined, userCol: SQL): SQL {
  return team ? sql`${userCol} in (select id from users where team = ${team})` : sql`true`;
}

function checkPeriod(p: Period) {
  if (!(p.from < p.to))
    throw new DomainError("BAD_REQUEST", "The period must end after it starts", { field: "to" });
  if (p.to.getTime() - p.from.getTime() > 400 * 86_400_000)
    throw new DomainError("BAD_REQUEST", "At most about a year at a time", { field: "from" });
}

export async function dashboard(db: DbOrTx, period: Scope) {
  checkPeriod(period);
  const { from, to, team } = period;
  const byTeam = (userCol: SQL) => inTeam(team, userCol);
  const inPeriod = (col: SQL) =>
    sql`${col} >= ${from.toISOString()}::timestamptz and ${col} < ${to.toISOString()}::timestamptz`;
  const [series, totals, decision, top, findingsBy, ledger] = await Promise.all([
    // One pass per table, grouped by UTC day, joined onto every day of the period.
    rows<{ day: string; requests: number; approvals: number; denials: number; executions: number }>(
      db,
      sql`with days as (
            select generate_series(date_trunc('day', ${from.toISOString()}::timestamptz at time zone 'utc'),
              date_trunc('day', (${to.toISOString()}::timestamptz - interval '1 microsecond') at time zone 'utc'), interval '1 day') as day),
          r as (select date_trunc('day', created_at at time zone 'utc') as day, count(*)::int as n
            from action_requests where ${inPeriod(sql`created_at`)} and ${byTeam(sql`requester_id`)} group by 1),
          a as (select date_trunc('day', created_at at time zone 'utc') as day,
              count(*) filter (where decision = 'approve')::int as approvals, count(*) filter (where decision = 'deny')::int as denials
            from approvals where ${inPeriod(sql`created_at`)}
              and ${byTeam(sql`(select requester_id from action_requests r where r.id = request_id)`)} group by 1),
          x as (select date_trunc('day', started_at at time zone 'utc') as day, count(*)::int as n
            from executions where ${inPeriod(sql`started_at`)} and ${byTeam(sql`executor_id`)} group by 1)
          select to_char(days.day, 'YYYY-MM-DD') as day, coalesce(r.n, 0) as requests, coalesce(a.approvals, 0) as approvals,
            coalesce(a.denials, 0) as denials, coalesce(x.n, 0) as executions
          from days left join r using (day) left join a using (day) left join x using (day) order by days.day`,
    ),
    rows<{
      requests: number;
      approved: number;
      denied: number;
      expired: number;
      break_glass: number;
      executions: number;
      failed: number;
      ended_grants: number;
      unused_grants: number;
    }>(
      db,
      sql`select r.*, x.*, g.* from
            (select count(*)::int as requests,
              count(*) filter (where status = 'approved' and not break_glass)::int as approved,
              count(*) filter (where status = 'denied')::int as denied,
              count(*) filter (where status = 'expired')::int as expired,
              count(*) filter (where break_glass)::int as break_glass
              from action_requests where ${inPeriod(sql`created_at`)} and ${byTeam(sql`requester_id`)}) r,
            (select count(*)::int as executions, count(*) filter (where status = 'failed')::int as failed
              from executions where ${inPeriod(sql`started_at`)} and ${byTeam(sql`executor_id`)}) x,
            (select count(*)::int as ended_grants, count(*) filter (where uses = 0)::int as unused_grants
              from grants where (expires_at <= now() or revoked_at is not null) and ${inPeriod(sql`created_at`)}
                and ${byTeam(sql`grantee_id`)}) g`,
    ),
    rows<{ p50: number | null; p95: number | null; n: number }>(
      db,
      sql`select percentile_cont(0.5) within group (order by s)::float as p50, percentile_cont(0.95) within group (order by s)::float as p95, count(*)::int as n
          from (select extract(epoch from r.decided_at - r.created_at) as s from action_requests r
            where r.decided_at is not null and not r.break_glass and r.status in ('approved', 'denied') and ${inPeriod(sql`r.created_at`)}
              and ${byTeam(sql`r.requester_id`)}) t`,
    ),
    rows<{ kind: string; user_id: string; name: string; n: number }>(
      db,
      sql`(select 'approver' as kind, a.approver_id as user_id, min(u.name) as name, count(*)::int as n
            from approvals a join users u on u.id = a.approver_id join action_requests r on r.id = a.request_id
            where ${inPeriod(sql`a.created_at`)} and ${byTeam(sql`r.requester_id`)}
            group by a.approver_id order by n desc limit 5)
          union all
          (select 'requester', r.requester_id, min(u.name), count(*)::int as n
            from action_requests r join users u on u.id = r.requester_id
            where ${inPeriod(sql`r.created_at`)} and ${byTeam(sql`r.requester_id`)}
            group by r.requester_id order by n desc limit 5)`,
    ),
    rows<{ detector: string; severity: string; n: number }>(
      db,
      sql`select detector, severity::text, count(*)::int as n from findings where status in ('open', 'acknowledged') group by detector, severity`,
    ),
    rows<{
      size: number | null;
      signed_at: string | null;
      verified_at: string | null;
      verified_ok: boolean | null;
      verified_entries: number | null;
      state_ok: boolean | null;
      state_mismatches: number | null;
    }>(
      db,
      sql`select (select size from ledger_checkpoints order by size desc limit 1)::int as size,
            (select created_at from ledger_checkpoints order by size desc limit 1) as signed_at,
            v.at as verified_at, (v.body::jsonb -> 'payload' ->> 'ok')::boolean as verified_ok,
            (v.body::jsonb -> 'payload' ->> 'entries')::int as verified_entries,
            (v.body::jsonb -> 'payload' -> 'state' ->> 'ok')::boolean as state_ok,
            (v.body::jsonb -> 'payload' -> 'state' ->> 'mismatches')::int as state_mismatches
          from (select 1) one left join lateral (select at, body from ledger_entries where type = ${eventType("ledger.verified")} order by seq desc limit 1) v on true`,
    ),
  ]);
  const integration = await integrationLag(db);
  const t = totals[0];
  const d = decision[0];
  const l = ledger[0];
  const teams = await rows<{ team: string }>(
    db,
    sql`select distinct team from users where team is not null order by team`,
  );
  return {
    period: { from, to },
    team: team ?? null,
    teams: teams.map((r) => r.team),
    series,
    totals: {
      requests: t?.requests ?? 0,
      approved: t?.approved ?? 0,
      denied: t?.denied ?? 0,
      expired: t?.expired ?? 0,
      breakGlass: t?.break_glass ?? 0,
      executions: t?.executions ?? 0,
      failedExecutions: t?.failed ?? 0,
      endedGrants: t?.ended_grants ?? 0,
      unusedGrants: t?.unused_grants ?? 0,
      unusedGrantRatio: t && t.ended_grants > 0 ? t.unused_grants / t.ended_grants : null,
    },
    timeToDecision: { p50Seconds: d?.p50 ?? null, p95Seconds: d?.p95 ?? null, decided: d?.n ?? 0 },
    topApprovers: top.filter((r) => r.kind === "approver"),
    topRequesters: top.filter((r) => r.kind === "requester"),
    openFindings: findingsBy,
    ledger: {
      checkpointSize: l?.size ?? null,
      checkpointAt: l?.signed_at ?? null,
      verifiedAt: l?.verified_at ?? null,
      verifiedOk: l?.verified_ok ?? null,
      verifiedEntries: l?.verified_entries ?? null,
      stateOk: l?.state_ok ?? null,
      stateMismatches: l?.state_mismatches ?? null,
      integration: { ...integration, alarm: lagAlarm(integration, env().LEDGER_LAG_ALERT_SECONDS) },
    },
  };
}

export const DRILL_KINDS = [
  "requests",
  "approved",
  "denied",
  "expired",
  "break_glass",
  "executions",
  "failed_executions",
  "unused_grants",
  "approvals_by",
  "requests_by",
] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

/** The requests behind a dashboard number: one row per request, with what happened to it. */
export async function rowsBehind(db: DbOrTx, input: Scope & { kind: DrillKind; userId?: string }) {
  checkPeriod(input);
  const period = (col: SQL) =>
    sql`${col} >= ${input.from.toISOString()}::timestamptz and ${col} < ${input.to.toISOString()}::timestamptz`;
  const user = input.userId ?? null;
  const where: Record<DrillKind, SQL> = {
    requests: period(sql`r.created_at`),
    approved: sql`r.status = 'approved' and not r.break_glass and ${period(sql`r.created_at`)}`,
    denied: sql`r.status = 'denied' and ${period(sql`r.created_at`)}`,
    expired: sql`r.status = 'expired' and ${period(sql`r.created_at`)}`,
    break_glass: sql`r.break_glass and ${period(sql`r.created_at`)}`,
    executions: sql`exists (select 1 from executions x where x.grant_id = g.id and ${period(sql`x.started_at`)})`,
    failed_executions: sql`exists (select 1 from executions x where x.grant_id = g.id and x.status = 'failed' and ${period(sql`x.started_at`)})`,
    unused_grants: sql`g.uses = 0 and (g.expires_at <= now() or g.revoked_at is not null) and ${period(sql`g.created_at`)}`,
    approvals_by: sql`exists (select 1 from approvals a where a.request_id = r.id and a.approver_id = ${user}::uuid and ${period(sql`a.created_at`)})`,
    requests_by: sql`r.requester_id = ${user}::uuid and ${period(sql`r.created_at`)}`,
  };
  return rows<{
    id: string;
    action_key: string;
    case_key: string;
    requester: string;
    status: string;
    break_glass: boolean;
    created_at: string;
    decided_at: string | null;
    approvers: string | null;
    uses: number | null;
    max_uses: number | null;
  }>(
    db,
    sql`select r.id, r.action_key, c.key as case_key, u.name as requester, r.status::text, r.break_glass, r.created_at, r.decided_at,
          (select string_agg(au.name || ' ' || a.decision::text, ', ') from approvals a join users au on au.id = a.approver_id where a.request_id = r.id) as approvers,
          g.uses, g.max_uses
        from action_requests r join cases c on c.id = r.case_id join users u on u.id = r.requester_id
        left join grants g on g.request_id = r.id
        where ${where[input.kind]} and ${inTeam(input.team, sql`r.requester_id`)}
        order by r.created_at desc limit 500`,
  );
}
