/**
 * The headline figures in the order, words and number format the dashboard and the PDF
 * both show: built once from `complianceFigures`, so a label means the same count everywhere.
 */
import type { DrillKind } from "./dashboard";
import type { Figures } from "./figures";

export type HeadlineFigure = {
  key: string;
  label: string;
  /** As shown: a count, a duration or a percentage ("—" when there is nothing to measure). */
  value: string;
  hint: string | null;
  /** The dashboard's list of rows behind the figure, where there is one. */
  drill: DrillKind | null;
};

export function formatSeconds(s: number | null): string {
  if (s === null) return "—";
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function headlineFigures(f: Figures): HeadlineFigure[] {
  const n = (
    key: string,
    label: string,
    value: number,
    drill: DrillKind | null,
    hint: string | null = null,
  ): HeadlineFigure => ({ key, label, value: String(value), hint, drill });
  const ttd = f.timeToDecision;
  return [
    n("requests", "Requests", f.requests, "requests"),
    n("approved", "Approved", f.approved, "approved", "by approvers"),
    n("denied", "Denied", f.denied, "denied"),
    n("expired", "Expired undecided", f.expired, "expired"),
    n("pending", "Still pending", f.pending, "pending"),
    n("cancelled", "Cancelled", f.cancelled, "cancelled"),
    n("breakGlass", "Break-glass", f.breakGlass, "break_glass", "counted apart from approved"),
    n("grants", "Grants issued", f.grants, "grants", `${f.breakGlassGrants} break-glass`),
    n("executions", "Executions", f.executions, "executions", `${f.executionsSucceeded} succeeded`),
    n("executionsFailed", "Failed executions", f.executionsFailed, "failed_executions"),
    {
      key: "decisionP50",
      label: "Time to decision, median",
      value: formatSeconds(ttd.p50Seconds),
      hint: `${ttd.decided} decided by approvers`,
      drill: null,
    },
    {
      key: "decisionP95",
      label: "Time to decision, 95th percentile",
      value: formatSeconds(ttd.p95Seconds),
      hint: null,
      drill: null,
    },
    {
      key: "unusedGrants",
      label: "Ended grants never used",
      value: f.unusedGrantRatio === null ? "—" : `${Math.round(f.unusedGrantRatio * 100)}%`,
      hint: `${f.unusedGrants} of ${f.endedGrants} ended grants`,
      drill: "unused_grants",
    },
  ];
}
