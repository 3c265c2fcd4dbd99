/**
 * The one path for file downloads (compliance reports, campaign exports): the same session rules
 * as pages (signed in, second factor where policy asks), the same edge rule for query text as
 * every tRPC input, then one service call. Domain errors become their HTTP status with a JSON
 * body naming the field; anything else a generic 500 (logged here, never echoed).
 */
import type { Db } from "@/db/client";
import type { SessionUser } from "../auth/sessions";
import { mustEnrolFirst } from "../auth/second-factor";
import { env } from "../env";
import { DomainError, type DomainErrorCode } from "../errors";
import { requestMetaFrom, type RequestMeta } from "../request-meta";
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

/** What a service hands back to be downloaded. */
export type DownloadFile = {
  filename: string;
  contentType: string;
  body: Uint8Array | string;
  /** Further response headers (a report's hash and ledger entry, say). */
  headers?: Record<string, string>;
};

/** What the service is given: the database, the signed-in user, the query and who asked. */
export type DownloadRequest = { db: Db; user: SessionUser; params: URLSearchParams; meta: RequestMeta };

function problem(code: DomainErrorCode, message: string, field?: string): Response {
  return Response.json({ error: { code, message, field: field ?? null } }, { status: STATUS[code] });
}

/**
 * Serves `produce`'s file to `user` (null: not signed in). `what` names the download in the
 * server log when it fails.
 */
export async function download(
  req: Request,
  db: Db,
  user: SessionUser | null,
  what: string,
  produce: (request: DownloadRequest) => Promise<DownloadFile>,
): Promise<Response> {
  if (!user) return problem("UNAUTHORIZED", "Sign in to continue.");
  if (mustEnrolFirst(user, env().CASEFILE_REQUIRE_SECOND_FACTOR)) {
    return problem(
      "FORBIDDEN",
      "Your role requires two-factor authentication: set it up under Your account first.",
    );
  }
  const params = new URL(req.url).searchParams;
  const field = unstorableTextAt(Object.fromEntries(params));
  if (field !== null) {
    return problem(
      "BAD_REQUEST",
      `${field}: text may not contain a NUL character (U+0000) or a lone surrogate`,
      field,
    );
  }
  try {
    const file = await produce({ db, user, params, meta: requestMetaFrom(req.headers) });
    const body = typeof file.body === "string" ? Buffer.from(file.body, "utf8") : file.body;
    return new Response(new Uint8Array(body), {
      headers: {
        "Content-Type": file.contentType,
        "Content-Disposition": `attachment; filename="${file.filename}"`,
        "Content-Length": String(body.length),
        "Cache-Control": "no-store",
        ...file.headers,
      },
    });
  } catch (error) {
    if (error instanceof DomainError) return problem(error.code, error.message, error.field);
    console.error(`${what} failed:`, error);
    return Response.json(
      { error: { code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on the server." } },
      { status: 500 },
    );
  }
}
