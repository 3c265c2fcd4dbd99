import "server-only";
import { getCurrentUser } from "../auth/current-user";
import { campaignCsv } from "../compliance/campaign-csv";
import { getDb } from "../db";
import { DomainError } from "../errors";
import { generateReport } from "../reports/generate";
import { download } from "./download";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /api/reports/<report>?from=…&to=… or ?case=…: see server/reports/generate.ts for the names. */
export async function reportDownload(req: Request, report: string): Promise<Response> {
  return download(
    req,
    getDb(),
    await getCurrentUser(),
    `report ${report}`,
    async ({ db, user, params, meta }) => {
      const file = await generateReport(db, user, {
        report,
        scope: { from: params.get("from"), to: params.get("to"), case: params.get("case") },
        meta,
      });
      return {
        filename: file.filename,
        contentType: file.contentType,
        body: file.body,
        // Lets a recipient match the file to its `report.generated` ledger entry.
        headers: { "X-Content-SHA256": file.sha256, "X-Ledger-Entry": file.ledgerEntryId },
      };
    },
  );
}

/** GET /api/campaigns/<id>/export: the campaign's results as CSV (the service re-checks the role). */
export async function campaignDownload(req: Request, campaignId: string): Promise<Response> {
  return download(
    req,
    getDb(),
    await getCurrentUser(),
    `campaign ${campaignId} export`,
    async ({ db, user }) => {
      if (!UUID.test(campaignId)) throw new DomainError("NOT_FOUND", "No such review campaign");
      const { filename, csv } = await campaignCsv(db, user, campaignId);
      return { filename, contentType: "text/csv; charset=utf-8; header=present", body: csv };
    },
  );
}
