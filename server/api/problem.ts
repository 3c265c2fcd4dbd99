import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { ZodError } from "zod";
import { DomainError } from "../errors";

/** One field at fault, as RFC 9457 extension members carry it. */
export type FieldProblem = { field: string; message: string };

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  412: "Precondition failed",
  413: "Content too large",
  415: "Unsupported media type",
  422: "Unprocessable content",
  429: "Too many requests",
  500: "Internal server error",
  503: "Service unavailable",
};

/** An RFC 9457 problem+json response; `errors` names each field at fault, `field` the first. */
export function problem(
  status: number,
  detail: string,
  errors: FieldProblem[] = [],
  headers: Record<string, string> = {},
): Response {
  const body = {
    type: "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...(errors[0] ? { field: errors[0].field, errors } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

function fieldsOf(cause: unknown): FieldProblem[] {
  if (cause instanceof ZodError) {
    return cause.issues.map((i) => ({
      field: i.path.length ? i.path.join(".") : "body",
      message: i.message,
    }));
  }
  if (cause instanceof DomainError && cause.field) return [{ field: cause.field, message: cause.message }];
  return [];
}

/** The problem for an error a procedure threw; unknown errors say nothing of themselves. */
export function problemFromError(error: unknown): Response {
  if (error instanceof DomainError) {
    return problemFromError(new TRPCError({ code: error.code, message: error.message, cause: error }));
  }
  if (error instanceof TRPCError) {
    const status = getHTTPStatusCodeFromError(error);
    if (status >= 500 && error.code !== "SERVICE_UNAVAILABLE") {
      console.error("REST API error", error.cause ?? error);
      return problem(500, "Something went wrong on the server.");
    }
    const fields = fieldsOf(error.cause);
    const first = fields[0];
    const detail =
      error.cause instanceof ZodError && first ? `${first.field}: ${first.message}` : error.message;
    return problem(status, detail, fields);
  }
  console.error("REST API error", error);
  return problem(500, "Something went wrong on the server.");
}
