import { campaignDownload } from "@/server/http/downloads";

/** The campaign's results as a CSV download, for compliance reviewers. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  return campaignDownload(req, (await params).id);
}
