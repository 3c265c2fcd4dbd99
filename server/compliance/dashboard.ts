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
import { complianceFigures } from "./figures";
import { headlineFigures } from "./headline";
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
  const [figures, top, findingsBy, ledger] = await Promise.all([
    complianceFigures(db, { kind: "period", from, to, team }),
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
  const l = ledger[0];
  const teams = await rows<{ team: string }>(
    db,
    sql`select distinct team from users where team is not null order by team`,
  );
  return {
    period: { from, to },
    team: team ?? null,
    teams: teams.map((r) => r.team),
    series: figures.series,
    // The same figures, labelled and formatted as the PDF summary shows them.
    headline: headlineFigures(figures),
    totals: {
      requests: figures.requests,
      approved: figures.approved,
      denied: figures.denied,
      expired: figures.expired,
      breakGlass: figures.breakGlass,
      grants: figures.grants,
      executions: figures.executions,
      failedExecutions: figures.executionsFailed,
      endedGrants: figures.endedGrants,
      unusedGrants: figures.unusedGrants,
      unusedGrantRatio: figures.unusedGrantRatio,
    },
    timeToDecision: figures.timeToDecision,
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
  "pending",
  "cancelled",
  "break_glass",
  "grants",
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
    pending: sql`r.status = 'pending' and ${period(sql`r.created_at`)}`,
    cancelled: sql`r.status = 'cancelled' and ${period(sql`r.created_at`)}`,
    break_glass: sql`r.break_glass and ${period(sql`r.created_at`)}`,
    grants: period(sql`g.created_at`),
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
