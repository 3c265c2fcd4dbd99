import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { FindingSeverity } from "@/db/schema";
import { latestCheckpoint } from "../ledger/explorer";
import type { ReportScope } from "./scope";

export type DayCount = { day: string; requests: number; decisions: number };

export type ReportSummary = {
  requests: number;
  approved: number;
  denied: number;
  expired: number;
  cancelled: number;
  pending: number;
  breakGlass: number;
  executionsSucceeded: number;
  executionsFailed: number;
  /** Seconds from request to decision, over decided requests that were not break-glass. */
  decisionSeconds: { p50: number | null; p95: number | null };
  grants: number;
  /** Ended grants (expired or revoked) never used, over all ended grants; null when none ended. */
  unusedGrantRatio: number | null;
  perDay: DayCount[];
  findings: { severity: FindingSeverity; title: string; lastSeenAt: Date }[];
  findingCounts: Record<FindingSeverity, number>;
  ledger: { size: number; root: string; createdAt: Date } | null;
};

const FINDINGS_LISTED = 40;

/** `alias.time` in the period, or `alias.case_id` the case, as raw SQL for the aggregate queries. */
function where(scope: ReportScope, time: string, caseColumn: string): SQL {
  return scope.kind === "period"
    ? sql`${sql.raw(time)} >= ${scope.from.toISOString()}::timestamptz and ${sql.raw(time)} < ${scope.to.toISOString()}::timestamptz`
    : sql`${sql.raw(caseColumn)} = ${scope.caseId}::uuid`;
}

type Num = string | number | null;
const int = (v: Num) => Number(v ?? 0);
const num = (v: Num) => (v === null ? null : Number(v));

/** The headline figures of the PDF, read in the caller's (repeatable-read) transaction. */
export async function reportSummary(tx: DbOrTx, scope: ReportScope): Promise<ReportSummary> {
  const [req] = await tx.execute<Record<string, Num>>(sql`
    select count(*) as requests,
      count(*) filter (where r.status = 'approved') as approved,
      count(*) filter (where r.status = 'denied') as denied,
      count(*) filter (where r.status = 'expired') as expired,
      count(*) filter (where r.status = 'cancelled') as cancelled,
      count(*) filter (where r.status = 'pending') as pending,
      count(*) filter (where r.break_glass) as break_glass,
      percentile_cont(0.5) within group (order by extract(epoch from r.decided_at - r.created_at))
        filter (where r.decided_at is not null and r.status in ('approved', 'denied') and not r.break_glass) as p50,
      percentile_cont(0.95) within group (order by extract(epoch from r.decided_at - r.created_at))
        filter (where r.decided_at is not null and r.status in ('approved', 'denied') and not r.break_glass) as p95
    from action_requests r where ${where(scope, "r.created_at", "r.case_id")}`);
  const [exe] = await tx.execute<Record<string, Num>>(sql`
    select count(*) filter (where e.status = 'succeeded') as succeeded,
      count(*) filter (where e.status = 'failed') as failed
    from executions e where ${where(scope, "e.started_at", "e.case_id")}`);
  // "Ended" by the database clock: a live grant may still be used, so it does not count as unused yet.
  const [gr] = await tx.execute<Record<string, Num>>(sql`
    select count(*) as grants,
      count(*) filter (where g.revoked_at is not null or g.expires_at <= now()) as ended,
      count(*) filter (where (g.revoked_at is not null or g.expires_at <= now()) and g.uses = 0) as ended_unused
    from grants g where ${where(scope, "g.created_at", "g.case_id")}`);
  const days = await tx.execute<{ day: string; requests: Num; decisions: Num }>(sql`
    with activity as (
      select (r.created_at at time zone 'utc')::date as day, 1 as request, 0 as decision
        from action_requests r where ${where(scope, "r.created_at", "r.case_id")}
      union all
      select (a.created_at at time zone 'utc')::date, 0, 1
        from approvals a join action_requests r on r.id = a.request_id
        where ${where(scope, "a.created_at", "r.case_id")}
    )
    select to_char(day, 'YYYY-MM-DD') as day, sum(request) as requests, sum(decision) as decisions
    from activity group by day order by day`);
  const ended = int(gr?.ended ?? null);
  return {
    requests: int(req?.requests ?? null),
    approved: int(req?.approved ?? null),
    denied: int(req?.denied ?? null),
    expired: int(req?.expired ?? null),
    cancelled: int(req?.cancelled ?? null),
    pending: int(req?.pending ?? null),
    breakGlass: int(req?.break_glass ?? null),
    executionsSucceeded: int(exe?.succeeded ?? null),
    executionsFailed: int(exe?.failed ?? null),
    decisionSeconds: { p50: num(req?.p50 ?? null), p95: num(req?.p95 ?? null) },
    grants: int(gr?.grants ?? null),
    unusedGrantRatio: ended ? int(gr?.ended_unused ?? null) / ended : null,
    perDay: [...days].map((d) => ({ day: d.day, requests: int(d.requests), decisions: int(d.decisions) })),
    ...(await openFindings(tx, scope)),
    ledger: await latestCheckpoint(tx),
  };
}

/**
 * Findings are the current state of the anomaly detectors, not history: the report lists
 * those open now. For a case, only findings whose evidence names the case (by id or key).
 */
async function openFindings(tx: DbOrTx, scope: ReportScope) {
  const about =
    scope.kind === "case"
      ? sql`and (position(${scope.caseId} in f.evidence::text) > 0 or position(${scope.caseKey} in f.evidence::text) > 0)`
      : sql``;
  const rows = await tx.execute<{ severity: FindingSeverity; title: string; last_seen_at: string }>(sql`
    select f.severity, f.title, f.last_seen_at from findings f
    where f.status = 'open' ${about}
    order by f.severity desc, f.last_seen_at desc`);
  const findingCounts: Record<FindingSeverity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const r of rows) findingCounts[r.severity]++;
  return {
    findingCounts,
    findings: [...rows].slice(0, FINDINGS_LISTED).map((r) => ({
      severity: r.severity,
      title: r.title,
      lastSeenAt: new Date(r.last_seen_at),
    })),
  };
}
