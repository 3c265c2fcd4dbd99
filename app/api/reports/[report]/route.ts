import { reportDownload } from "@/server/http/downloads";

/** Downloads a compliance report: see server/reports/generate.ts for the names and README for the scope. */
export async function GET(req: Request, { params }: { params: Promise<{ report: string }> }) {
  return reportDownload(req, (await params).report);
}
