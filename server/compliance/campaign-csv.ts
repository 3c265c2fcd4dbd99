/**
 * A campaign's results as CSV (RFC 4180: CRLF line ends, fields quoted where they hold a comma,
 * quote or line break, quotes doubled), one row per decision, times in UTC ISO 8601.
 */
import type { Tx } from "@/db/client";
import type { SessionUser } from "../auth/sessions";
import { type CampaignItem, campaignResults } from "./campaign-items";

type Cell = string | number | boolean | Date | null | undefined;

/**
 * People type these texts (justifications, comments, notes). A spreadsheet would run one
 * starting with = + - @ as a formula, so such a cell gets a leading apostrophe (OWASP's advice);
 * ids, numbers and times are ours and never need it.
 */
function text(value: string | null | undefined): string {
  if (!value) return "";
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function field(value: Cell): string {
  if (value === null || value === undefined) return "";
  const s = value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(rows: Cell[][]): string {
  return rows.map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}

const COLUMNS: [string, (i: CampaignItem) => Cell][] = [
  ["approval_id", (i) => i.approvalId],
  ["decided_at", (i) => i.decidedAt],
  ["decision", (i) => i.decision],
  ["approver", (i) => text(i.approverName)],
  ["comment", (i) => text(i.comment)],
  ["narrowed", (i) => Boolean(i.narrowedParams || i.narrowedMinutes || i.narrowedUses)],
  ["step_up_at", (i) => i.stepUpAt],
  ["step_up_method", (i) => i.stepUpMethod],
  ["seconds_to_decision", (i) => Math.round(i.secondsToDecision)],
  ["request_id", (i) => i.requestId],
  ["requested_at", (i) => i.requestedAt],
  ["requester", (i) => text(i.requesterName)],
  ["request_status", (i) => i.requestStatus],
  ["break_glass", (i) => i.breakGlass],
  ["case_key", (i) => i.caseKey],
  ["case_title", (i) => text(i.caseTitle)],
  ["case_severity", (i) => i.caseSeverity],
  ["action", (i) => i.actionKey],
  ["risk_tier", (i) => i.riskTier],
  ["justification", (i) => text(i.justification)],
  ["params", (i) => JSON.stringify(i.params)],
  ["granted_scope", (i) => (i.grant ? JSON.stringify(i.grant.scope) : null)],
  ["grant_uses", (i) => i.grant?.uses],
  ["grant_max_uses", (i) => i.grant?.maxUses],
  ["executions", (i) => i.executions.length],
  ["execution_outcomes", (i) => i.executions.map((e) => e.status).join(" ")],
  ["verdict", (i) => i.attestation?.verdict],
  ["note", (i) => text(i.attestation?.note)],
  ["attested_by", (i) => text(i.attestation?.reviewerName)],
  ["attested_at", (i) => i.attestation?.at],
];

export const CSV_HEADER = COLUMNS.map(([name]) => name);

export async function campaignCsv(
  db: Tx,
  user: SessionUser,
  campaignId: string,
): Promise<{ filename: string; csv: string }> {
  const { campaign, items } = await campaignResults(db, user, campaignId);
  const csv = toCsv([CSV_HEADER, ...items.map((item) => COLUMNS.map(([, get]) => get(item)))]);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const slug =
    campaign.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 60) || "campaign";
  return { filename: `${slug}-${day(campaign.periodStart)}-${day(campaign.periodEnd)}.csv`, csv };
}
