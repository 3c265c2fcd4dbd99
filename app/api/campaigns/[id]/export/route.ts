import { getCurrentUser } from "@/server/auth/current-user";
import { mustEnrolFirst } from "@/server/auth/second-factor";
import { campaignCsv } from "@/server/compliance/campaign-csv";
import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { DomainError } from "@/server/errors";

const STATUS = { UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404 } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function refuse(status: number, message: string) {
  return new Response(message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** The campaign's results as a CSV download, for compliance reviewers (the service re-checks the role). */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await getCurrentUser();
  if (!user) return refuse(401, "Sign in to continue.");
  if (mustEnrolFirst(user, env().CASEFILE_REQUIRE_SECOND_FACTOR))
    return refuse(403, "Set up two-factor authentication under Your account first.");
  if (!UUID.test(id)) return refuse(404, "No such review campaign");
  try {
    const { filename, csv } = await campaignCsv(getDb(), user, id);
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8; header=present",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof DomainError && error.code in STATUS)
      return refuse(STATUS[error.code as keyof typeof STATUS], error.message);
    throw error;
  }
}
