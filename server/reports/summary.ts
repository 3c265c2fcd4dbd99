import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { FindingSeverity } from "@/db/schema";
import { complianceFigures, type Figures, type FiguresScope } from "../compliance/figures";
import { type HeadlineFigure, headlineFigures } from "../compliance/headline";
import { latestCheckpoint } from "../ledger/explorer";
import type { ReportScope } from "./scope";

export type DayCount = { day: string; requests: number; decisions: number };

/**
 * The PDF's content. Every count comes from the compliance figures layer the dashboard
 * uses (server/compliance/figures.ts), in the caller's repeatable-read transaction.
 */
export type ReportSummary = Omit<Figures, "series" | "timeToDecision"> & {
  /** Seconds from request to decision, over decided requests that were not break-glass. */
  decisionSeconds: { p50: number | null; p95: number | null };
  /** The headline figures, labelled and formatted exactly as the dashboard shows them. */
  headline: HeadlineFigure[];
  perDay: DayCount[];
  findings: { severity: FindingSeverity; title: string; lastSeenAt: Date }[];
  findingCounts: Record<FindingSeverity, number>;
  ledger: { size: number; root: string; createdAt: Date } | null;
};

const FINDINGS_LISTED = 40;

function figuresScope(scope: ReportScope): FiguresScope {
  return scope.kind === "period"
    ? { kind: "period", from: scope.from, to: scope.to }
    : { kind: "case", caseId: scope.caseId };
}

/** The headline figures of the PDF, read in the caller's (repeatable-read) transaction. */
export async function reportSummary(tx: DbOrTx, scope: ReportScope): Promise<ReportSummary> {
  const { series, timeToDecision, ...figures } = await complianceFigures(tx, figuresScope(scope));
  return {
    ...figures,
    decisionSeconds: { p50: timeToDecision.p50Seconds, p95: timeToDecision.p95Seconds },
    headline: headlineFigures({ ...figures, series, timeToDecision }),
    perDay: series
      .filter((d) => d.requests + d.approvals + d.denials > 0)
      .map((d) => ({ day: d.day, requests: d.requests, decisions: d.approvals + d.denials })),
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
