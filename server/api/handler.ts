import type { Db } from "@/db/client";
import type { SessionUser } from "../auth/sessions";
import { caseIdByKey } from "../cases/cases";
import { DomainError } from "../errors";
import type { RequestMeta } from "../request-meta";
import { authenticateToken, type TokenAuth } from "../tokens/authenticate";
import { createContextInner } from "../trpc/init";
import { createCaller } from "../trpc/routers/_app";
import { type AlertSource, authenticateSource, SOURCE_HEADER } from "./alert-source";
import { batchContent } from "./batch";
import { decodeCursor, encodeCursor, readBounded } from "./body";
import { fromQuery, reviveDates } from "./coerce";
import { claimIdempotencyKey, requestHash, settleIdempotencyKey, spendRate } from "./limits";
import { openApiDocument } from "./openapi";
import { problem, problemFromError } from "./problem";
import { callPath, inputsOf } from "./procedures";
import { matchRoute, type Route } from "./routes";

export type ApiOptions = {
  db: Db;
  /** Requests per token per minute; default CASEFILE_API_RATE_PER_MINUTE. */
  ratePerMinute: number;
  /** Webhook sources that may send signed alerts (CASEFILE_ALERT_SOURCES). */
  alertSources: readonly AlertSource[];
};

export type ApiHandler = (req: Request, meta: RequestMeta) => Promise<Response>;

const MAX_BODY = 1_000_000;
const MAX_BATCH_BODY = 6_000_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

type Call = {
  route: Route;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
};
type Outcome = { status: number; body: unknown };

async function inputFor(db: Db, user: SessionUser, call: Call): Promise<Record<string, unknown>> {
  const { route, params, query } = call;
  const schemas = inputsOf(route.procedure);
  const merged = schemas.at(-1);
  let input: Record<string, unknown> =
    route.method === "GET"
      ? fromQuery(
          merged,
          query,
          ["cursor", "limit"].filter((k) => route.pages === "slice" || k === "cursor"),
        )
      : { ...call.body };
  if (route.pages === "cursor" && query.get("cursor")) input.cursor = decodeCursor(query.get("cursor") ?? "");
  if (route.batch) input = { content: batchContent(call.body) };
  Object.assign(input, route.fixed ?? {});
  for (const [param, field] of Object.entries(route.params ?? {})) {
    const value = params[param] ?? "";
    if (field === "caseId") input.caseId = UUID.test(value) ? value : await caseIdByKey(db, user, value);
    else if (field === "seq") input.seq = /^\d{1,15}$/.test(value) ? Number(value) : value;
    else input[field] = value;
  }
  return schemas.reduce<Record<string, unknown>>(
    (v, s) => reviveDates(s, v) as Record<string, unknown>,
    input,
  );
}

/** A bounded list from the procedure, paged by an opaque offset cursor. */
function slice(items: unknown[], query: URLSearchParams): Outcome {
  const limitText = query.get("limit") ?? "50";
  const limit = /^\d{1,3}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= 200)) {
    throw new DomainError("BAD_REQUEST", "limit: a whole number from 1 to 200", { field: "limit" });
  }
  const cursor = query.get("cursor");
  const decoded = cursor ? decodeCursor(cursor) : { offset: 0 };
  const offset = (decoded as { offset?: unknown } | null)?.offset;
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) {
    throw new DomainError("BAD_REQUEST", "cursor: not a cursor this API gave out", { field: "cursor" });
  }
  const page = items.slice(offset, offset + limit);
  return {
    status: 200,
    body: {
      items: page,
      nextCursor: offset + limit < items.length ? encodeCursor({ offset: offset + limit }) : null,
    },
  };
}

async function execute(
  db: Db,
  user: SessionUser,
  token: TokenAuth,
  meta: RequestMeta,
  call: Call,
): Promise<Outcome> {
  const caller = createCaller(createContextInner({ db, user, meta, token }));
  const result = await callPath(caller, call.route.procedure, await inputFor(db, user, call));
  if (call.route.pages === "slice" && Array.isArray(result)) return slice(result, call.query);
  if (call.route.pages === "cursor" && result && typeof result === "object" && "nextCursor" in result) {
    const next = result.nextCursor;
    return { status: 200, body: { ...result, nextCursor: next === null ? null : encodeCursor(next) } };
  }
  return { status: call.route.status ?? 200, body: result === undefined ? { ok: true } : result };
}

/** A stored outcome as a response again (an error outcome is the problem document it was). */
function outcomeResponse(outcome: Outcome, headers: Record<string, string> = {}): Response {
  const type = outcome.status >= 400 ? "application/problem+json" : "application/json";
  return json(outcome.status, outcome.body, { ...headers, "content-type": type });
}

/** Runs a call, turning what a procedure throws into the problem it stands for. */
async function settle(run: () => Promise<Outcome>): Promise<{ outcome: Outcome; response: Response }> {
  try {
    const outcome = await run();
    return { outcome, response: outcomeResponse(outcome) };
  } catch (error) {
    const response = problemFromError(error);
    return { outcome: { status: response.status, body: await response.clone().json() }, response };
  }
}

/**
 * The REST API as a plain fetch-style handler: the Next.js route and the tests' node:http
 * server both call it. `meta` carries the client address (for source CIDRs and the ledger).
 */
export function createApiHandler(options: ApiOptions): ApiHandler {
  const { db } = options;
  return async (req, meta) => {
    try {
      const url = new URL(req.url);
      const path = url.pathname.replace(/^\/api\/v1/, "") || "/";
      if (req.method === "GET" && path === "/openapi.json") return json(200, openApiDocument());
      const match = matchRoute(req.method, path);
      if (match === "method") return problem(405, `${req.method} is not supported on ${path}`);
      if (!match) return problem(404, `No such API route: ${req.method} ${path}`);

      let body: Record<string, unknown> = {};
      let bodyText = "";
      if (req.method !== "GET") {
        const read = await readBounded(req, match.route.batch ? MAX_BATCH_BODY : MAX_BODY);
        if (!read.ok) return problem(413, "The request body is too large");
        bodyText = read.text;
        if (bodyText.trim()) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(bodyText);
          } catch {
            return problem(400, "body: not valid JSON", [{ field: "body", message: "not valid JSON" }]);
          }
          if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            return problem(400, "body: must be a JSON object", [
              { field: "body", message: "must be a JSON object" },
            ]);
          }
          body = parsed as Record<string, unknown>;
        }
      }
      const signed = match.route.path === "/alerts" && req.headers.has(SOURCE_HEADER);
      const auth = signed
        ? await authenticateSource(db, options.alertSources, req.headers, bodyText)
        : await authenticateToken(db, req.headers.get("authorization"), meta);
      if (!auth.ok && signed) {
        return problem(401, `The alert's signature is not accepted: ${auth.reason}`);
      }
      if (!auth.ok) {
        if (auth.reason === "address") return problem(403, "This token is not accepted from your address");
        return problem(
          401,
          auth.reason === "missing"
            ? "Send an API token: Authorization: Bearer <token>"
            : "The token is unknown, expired or revoked",
          [],
          { "www-authenticate": 'Bearer realm="casefile"' },
        );
      }
      const callerKey = auth.token.id.startsWith("source:") ? auth.token.id : `token:${auth.token.id}`;
      // A signed source speaks only for itself.
      if ("source" in auth) body.observer = { name: auth.source };
      const limited = await spendRate(db, callerKey, options.ratePerMinute);
      if (limited) {
        return problem(
          429,
          `Too many requests: at most ${options.ratePerMinute} a minute for one token`,
          [],
          {
            "retry-after": String(limited.retryAfter),
          },
        );
      }

      const call: Call = { route: match.route, params: match.params, query: url.searchParams, body };
      const run = () => execute(db, auth.user, auth.token, meta, call);

      const key = req.method === "POST" ? req.headers.get("idempotency-key") : null;
      if (key === null) return (await settle(run)).response;
      if (!IDEMPOTENCY_KEY.test(key)) {
        const message = "1 to 255 visible ASCII characters";
        return problem(400, `Idempotency-Key: ${message}`, [{ field: "Idempotency-Key", message }]);
      }
      const claim = await claimIdempotencyKey(
        db,
        callerKey,
        key,
        requestHash(req.method, url.pathname, bodyText),
      );
      if (claim.kind === "replay") {
        return outcomeResponse({ status: claim.status, body: claim.body }, { "idempotent-replayed": "true" });
      }
      if (claim.kind === "conflict") {
        return problem(claim.detail.includes("different") ? 422 : 409, claim.detail, [
          { field: "Idempotency-Key", message: claim.detail },
        ]);
      }
      const { outcome, response } = await settle(run);
      await settleIdempotencyKey(db, callerKey, key, {
        status: outcome.status,
        body: JSON.parse(JSON.stringify(outcome.body ?? null)) as unknown,
      });
      return response;
    } catch (error) {
      return problemFromError(error);
    }
  };
}
