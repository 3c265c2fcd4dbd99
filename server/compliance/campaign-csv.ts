/**
 * A campaign's results as CSV (RFC 4180: CRLF line ends, fields quoted where they hold a comma,
 * quote or line break, quotes doubled), one row per decision, times in UTC ISO 8601. Texts people
 * typed (justifications, comments, notes) cannot run as spreadsheet formulas (../csv.ts).
 */
import type { DbOrTx } from "@/db/client";
import type { SessionUser } from "../auth/sessions";
import { type CsvCell, writeCsv } from "../csv";
import { type CampaignItem, campaignResults } from "./campaign-items";

const COLUMNS: [string, (i: CampaignItem) => CsvCell][] = [
  ["approval_id", (i) => i.approvalId],
  ["decided_at", (i) => i.decidedAt],
  ["decision", (i) => i.decision],
  ["approver", (i) => i.approverName],
  ["comment", (i) => i.comment],
  ["narrowed", (i) => Boolean(i.narrowedParams || i.narrowedMinutes || i.narrowedUses)],
  ["step_up_at", (i) => i.stepUpAt],
  ["step_up_method", (i) => i.stepUpMethod],
  ["seconds_to_decision", (i) => Math.round(i.secondsToDecision)],
  ["request_id", (i) => i.requestId],
  ["requested_at", (i) => i.requestedAt],
  ["requester", (i) => i.requesterName],
  ["request_status", (i) => i.requestStatus],
  ["break_glass", (i) => i.breakGlass],
  ["case_key", (i) => i.caseKey],
  ["case_title", (i) => i.caseTitle],
  ["case_severity", (i) => i.caseSeverity],
  ["action", (i) => i.actionKey],
  ["risk_tier", (i) => i.riskTier],
  ["justification", (i) => i.justification],
  ["params", (i) => JSON.stringify(i.params)],
  ["granted_scope", (i) => (i.grant ? JSON.stringify(i.grant.scope) : null)],
  ["grant_uses", (i) => i.grant?.uses],
  ["grant_max_uses", (i) => i.grant?.maxUses],
  ["executions", (i) => i.executions.length],
  ["execution_outcomes", (i) => i.executions.map((e) => e.status).join(" ")],
  ["verdict", (i) => i.attestation?.verdict],
  ["note", (i) => i.attestation?.note],
  ["attested_by", (i) => i.attestation?.reviewerName],
  ["attested_at", (i) => i.attestation?.at],
];

export const CSV_HEADER = COLUMNS.map(([name]) => name);

export async function campaignCsv(
  db: DbOrTx,
  user: SessionUser,
  campaignId: string,
): Promise<{ filename: string; csv: string }> {
  const { campaign, items } = await campaignResults(db, user, campaignId);
  const csv = writeCsv([CSV_HEADER, ...items.map((item) => COLUMNS.map(([, get]) => get(item)))], {
    lineEnd: "\r\n",
  });
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const slug =
    campaign.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 60) || "campaign";
  return { filename: `${slug}-${day(campaign.periodStart)}-${day(campaign.periodEnd)}.csv`, csv };
}
