/**
 * The compliance figures of a period or a case: one set of queries behind the dashboard,
 * the PDF summary and (row for row) the CSV exports, so the three cannot disagree.
 *
 * What each figure counts:
 * - requests, and their outcome, by the request's creation time;
 * - "approved" is approved by approvers; break-glass requests are counted apart;
 * - grants by their creation time (break-glass grants included, and counted apart too);
 * - executions by their start time;
 * - a grant is "ended" once expired (database clock) or revoked; "unused" if ended with no use.
 */
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { rows } from "./detectors";

export type FiguresScope =
  { kind: "period"; from: Date; to: Date; team?: string | null } | { kind: "case"; caseId: string };

export type DaySeries = {
  day: string;
  requests: number;
  approvals: number;
  denials: number;
  executions: number;
};

export type Figures = {
  requests: number;
  approved: number;
  denied: number;
  expired: number;
  cancelled: number;
  pending: number;
  breakGlass: number;
  grants: number;
  breakGlassGrants: number;
  endedGrants: number;
  unusedGrants: number;
  unusedGrantRatio: number | null;
  executions: number;
  executionsSucceeded: number;
  executionsFailed: number;
  /** Seconds from request to decision, over requests approved or denied by approvers. */
  timeToDecision: { p50Seconds: number | null; p95Seconds: number | null; decided: number };
  /** Per UTC day: every day of a period; for a case, the days with activity. */
  series: DaySeries[];
};

/** Rows of one table in scope: `time` in the period (and `person` in the team), or `caseCol` the case. */
function inScope(scope: FiguresScope, time: SQL, caseCol: SQL, person: SQL): SQL {
  if (scope.kind === "case") return sql`${caseCol} = ${scope.caseId}::uuid`;
  const period = sql`${time} >= ${scope.from.toISOString()}::timestamptz and ${time} < ${scope.to.toISOString()}::timestamptz`;
  return scope.team
    ? sql`${period} and ${person} in (select id from users where team = ${scope.team})`
    : period;
}

const decidedByApprovers = sql`r.decided_at is not null and r.status in ('approved', 'denied') and not r.break_glass`;
// "Ended" by the database clock: a live grant may still be used, so it does not count as unused yet.
const grantEnded = sql`(g.expires_at <= now() or g.revoked_at is not null)`;

export async function complianceFigures(db: DbOrTx, scope: FiguresScope): Promise<Figures> {
  const requests = inScope(scope, sql`r.created_at`, sql`r.case_id`, sql`r.requester_id`);
  const decisions = inScope(scope, sql`a.created_at`, sql`r.case_id`, sql`r.requester_id`);
  const executions = inScope(scope, sql`e.started_at`, sql`e.case_id`, sql`e.executor_id`);
  const grants = inScope(scope, sql`g.created_at`, sql`g.case_id`, sql`g.grantee_id`);
  const day = (col: SQL) => sql`date_trunc('day', ${col} at time zone 'utc')`;
  const days =
    scope.kind === "period"
      ? sql`select generate_series(${day(sql`${scope.from.toISOString()}::timestamptz`)},
          ${day(sql`(${scope.to.toISOString()}::timestamptz - interval '1 microsecond')`)}, interval '1 day') as day`
      : sql`select day from r union select day from a union select day from x`;
  const [totals, series] = await Promise.all([
    rows<{
      requests: number;
      approved: number;
      denied: number;
      expired: number;
      cancelled: number;
      pending: number;
      break_glass: number;
      p50: number | null;
      p95: number | null;
      decided: number;
      executions: number;
      succeeded: number;
      failed: number;
      grants: number;
      break_glass_grants: number;
      ended: number;
      unused: number;
    }>(
      db,
      sql`select r.*, x.*, g.* from
        (select count(*)::int as requests,
          count(*) filter (where r.status = 'approved' and not r.break_glass)::int as approved,
          count(*) filter (where r.status = 'denied')::int as denied,
          count(*) filter (where r.status = 'expired')::int as expired,
          count(*) filter (where r.status = 'cancelled')::int as cancelled,
          count(*) filter (where r.status = 'pending')::int as pending,
          count(*) filter (where r.break_glass)::int as break_glass,
          (percentile_cont(0.5) within group (order by extract(epoch from r.decided_at - r.created_at))
            filter (where ${decidedByApprovers}))::float as p50,
          (percentile_cont(0.95) within group (order by extract(epoch from r.decided_at - r.created_at))
            filter (where ${decidedByApprovers}))::float as p95,
          count(*) filter (where ${decidedByApprovers})::int as decided
          from action_requests r where ${requests}) r,
        (select count(*)::int as executions,
          count(*) filter (where e.status = 'succeeded')::int as succeeded,
          count(*) filter (where e.status = 'failed')::int as failed
          from executions e where ${executions}) x,
        (select count(*)::int as grants, count(*) filter (where g.break_glass)::int as break_glass_grants,
          count(*) filter (where ${grantEnded})::int as ended,
          count(*) filter (where ${grantEnded} and g.uses = 0)::int as unused
          from grants g where ${grants}) g`,
    ),
    rows<DaySeries>(
      db,
      sql`with r as (select ${day(sql`r.created_at`)} as day, count(*)::int as n
            from action_requests r where ${requests} group by 1),
          a as (select ${day(sql`a.created_at`)} as day,
              count(*) filter (where a.decision = 'approve')::int as approvals,
              count(*) filter (where a.decision = 'deny')::int as denials
            from approvals a join action_requests r on r.id = a.request_id where ${decisions} group by 1),
          x as (select ${day(sql`e.started_at`)} as day, count(*)::int as n
            from executions e where ${executions} group by 1),
          days as (${days})
        select to_char(days.day, 'YYYY-MM-DD') as day, coalesce(r.n, 0) as requests,
          coalesce(a.approvals, 0) as approvals, coalesce(a.denials, 0) as denials, coalesce(x.n, 0) as executions
        from days left join r using (day) left join a using (day) left join x using (day) order by days.day`,
    ),
  ]);
  const t = totals[0];
  const ended = t?.ended ?? 0;
  return {
    requests: t?.requests ?? 0,
    approved: t?.approved ?? 0,
    denied: t?.denied ?? 0,
    expired: t?.expired ?? 0,
    cancelled: t?.cancelled ?? 0,
    pending: t?.pending ?? 0,
    breakGlass: t?.break_glass ?? 0,
    grants: t?.grants ?? 0,
    breakGlassGrants: t?.break_glass_grants ?? 0,
    endedGrants: ended,
    unusedGrants: t?.unused ?? 0,
    unusedGrantRatio: ended > 0 ? (t?.unused ?? 0) / ended : null,
    executions: t?.executions ?? 0,
    executionsSucceeded: t?.succeeded ?? 0,
    executionsFailed: t?.failed ?? 0,
    timeToDecision: { p50Seconds: t?.p50 ?? null, p95Seconds: t?.p95 ?? null, decided: t?.decided ?? 0 },
    series,
  };
}
