import { reportResponse } from "@/server/http/report-response";

/** Downloads a compliance report: see server/reports/generate.ts for the names and README for the scope. */
export async function GET(req: Request, { params }: { params: Promise<{ report: string }> }) {
  return reportResponse(req, (await params).report);
}
