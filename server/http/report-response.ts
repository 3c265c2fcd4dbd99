import "server-only";
import { getCurrentUser } from "../auth/current-user";
import { mustEnrolFirst } from "../auth/second-factor";
import { getDb } from "../db";
import { env } from "../env";
import { DomainError, type DomainErrorCode } from "../errors";
import { generateReport } from "../reports/generate";
import { requestMetaFrom } from "../request-meta";
import { unstorableTextAt } from "../storable-text";

const STATUS: Record<DomainErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  TOO_MANY_REQUESTS: 429,
};

function problem(code: DomainErrorCode, message: string, field?: string): Response {
  return Response.json({ error: { code, message, field: field ?? null } }, { status: STATUS[code] });
}

/**
 * GET /api/reports/<report>?from=…&to=… or ?case=…: the same session rules as pages (signed in,
 * second factor where policy asks), then one service call; domain errors become their HTTP status
 * with a JSON body, anything else a generic 500 (logged here, never echoed).
 */
export async function reportResponse(req: Request, report: string): Promise<Response> {
  const user = await getCurrentUser();
  if (!user) return problem("UNAUTHORIZED", "Sign in to continue.");
  if (mustEnrolFirst(user, env().CASEFILE_REQUIRE_SECOND_FACTOR)) {
    return problem(
      "FORBIDDEN",
      "Your role requires two-factor authentication: set it up under Your account first.",
    );
  }
  const params = new URL(req.url).searchParams;
  // The same edge rule as every tRPC input: text no column can hold is refused, naming the field.
  const field = unstorableTextAt(Object.fromEntries(params));
  if (field !== null)
    return problem(
      "BAD_REQUEST",
      `${field}: text may not contain a NUL character (U+0000) or a lone surrogate`,
      field,
    );
  try {
    const file = await generateReport(getDb(), user, {
      report,
      scope: { from: params.get("from"), to: params.get("to"), case: params.get("case") },
      meta: requestMetaFrom(req.headers),
    });
    return new Response(new Uint8Array(file.body), {
      headers: {
        "Content-Type": file.contentType,
        "Content-Disposition": `attachment; filename="${file.filename}"`,
        "Content-Length": String(file.body.length),
        "Cache-Control": "no-store",
        // Lets a recipient match the file to its `report.generated` ledger entry.
        "X-Content-SHA256": file.sha256,
        "X-Ledger-Entry": file.ledgerEntryId,
      },
    });
  } catch (error) {
    if (error instanceof DomainError) return problem(error.code, error.message, error.field);
    console.error(`report ${report} failed:`, error);
    return Response.json(
      { error: { code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on the server." } },
      { status: 500 },
    );
  }
}
