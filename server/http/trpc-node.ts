import type { IncomingMessage, ServerResponse } from "node:http";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { resolveRequestUser } from "../auth/request-user";
import { getDb } from "../db";
import { env } from "../env";
import { requestMetaFrom } from "../request-meta";
import { createContextInner } from "../trpc/init";
import { appRouter } from "../trpc/routers/_app";
import { crossSiteRefusal } from "./cross-site";
import { nodeHeaders } from "./header-reader";
import { SECURITY_HEADERS } from "./security-headers";

/**
 * tRPC over the web server's own Node HTTP handler, in front of Next.js: a JSON API call
 * needs no page router, no proxy and no next-auth round trip. It keeps what the Next.js
 * route (app/api/trpc) gave it: cross-site refusal of state changes, the session checked
 * against the database on every call, the stamped socket peer in the ledger's request
 * meta, the security headers, and no caching anywhere.
 */
export const TRPC_PREFIX = "/api/trpc/";

export function isTrpcRequest(url: string | undefined): boolean {
  return url?.startsWith(TRPC_PREFIX) === true;
}

/** The app's own origins: the configured public URL and the one this request was addressed to. */
function appOrigins(req: IncomingMessage): string[] {
  const configured = env().NEXTAUTH_URL;
  const host = req.headers.host;
  return [...(host ? [`http://${host}`] : []), ...(configured ? [new URL(configured).origin] : [])];
}

function setCommonHeaders(res: ServerResponse): void {
  for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
  // Answers of the API carry case and personal data: no browser, proxy or CDN may keep a copy,
  // whatever the handler would say (live streams come with "no-cache").
  res.setHeader("Cache-Control", "no-store");
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) =>
    setHeader(name, name.toLowerCase() === "cache-control" ? "no-store" : value);
}

/** One tRPC call (GET queries and subscriptions, POST mutations); `req.url` starts with TRPC_PREFIX. */
export async function serveTrpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
  setCommonHeaders(res);
  const headers = nodeHeaders(req.headers);
  // Every state change is a POST (tRPC mutations); refuse those a browser sends from another site.
  const refusal = req.method === "POST" ? crossSiteRefusal(headers, appOrigins(req)) : null;
  if (refusal) {
    res.writeHead(403, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: refusal, code: "FORBIDDEN" } }));
    return;
  }
  const url = req.url ?? "";
  const query = url.indexOf("?");
  const path = decodeURIComponent(url.slice(TRPC_PREFIX.length, query < 0 ? undefined : query));
  await nodeHTTPRequestHandler({
    req,
    res,
    path,
    router: appRouter,
    createContext: async () =>
      createContextInner({
        db: getDb(),
        user: await resolveRequestUser(getDb(), headers),
        meta: requestMetaFrom(headers),
      }),
    onError({ error, path: failed }) {
      // Unknown failures and a lost database connection are the operator's business.
      if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE")
        console.error(`tRPC ${failed ?? "?"} failed:`, error.cause ?? error);
    },
  });
}
