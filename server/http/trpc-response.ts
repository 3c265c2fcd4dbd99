import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { env } from "../env";
import type { Context } from "../trpc/init";
import { appRouter } from "../trpc/routers/_app";
import { crossSiteRefusal } from "./cross-site";

/** The app's own origins: the configured public URL and the one this request was addressed to. */
function appOrigins(req: Request): string[] {
  const configured = env().NEXTAUTH_URL;
  return [new URL(req.url).origin, ...(configured ? [new URL(configured).origin] : [])];
}

/** Answers of the API carry case and personal data: no browser, proxy or CDN may keep a copy. */
function uncached(response: Response): Response {
  response.headers.set("Cache-Control", "no-store");
  return response;
}

/** One tRPC call over HTTP (GET queries and subscriptions, POST mutations). */
export async function trpcResponse(req: Request, createContext: () => Promise<Context>): Promise<Response> {
  // Every state change is a POST (tRPC mutations); refuse those a browser sends from another site.
  const refusal = req.method === "POST" ? crossSiteRefusal(req.headers, appOrigins(req)) : null;
  if (refusal) {
    return uncached(Response.json({ error: { message: refusal, code: "FORBIDDEN" } }, { status: 403 }));
  }
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext,
    onError({ error, path }) {
      // Unknown failures and a lost database connection are the operator's business.
      if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE")
        console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
  return uncached(response);
}
