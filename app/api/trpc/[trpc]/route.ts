import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { env } from "@/server/env";
import { crossSiteRefusal } from "@/server/http/cross-site";
import { createRequestContext } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/routers/_app";

/** The app's own origins: the configured public URL and the one this request was addressed to. */
function appOrigins(req: Request): string[] {
  const configured = env().NEXTAUTH_URL;
  return [new URL(req.url).origin, ...(configured ? [new URL(configured).origin] : [])];
}

function handler(req: Request) {
  // Every state change is a POST (tRPC mutations); refuse those a browser sends from another site.
  const refusal = req.method === "POST" ? crossSiteRefusal(req.headers, appOrigins(req)) : null;
  if (refusal) {
    return Response.json({ error: { message: refusal, code: "FORBIDDEN" } }, { status: 403 });
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createRequestContext(req.headers),
    onError({ error, path }) {
      // Unknown failures and a lost database connection are the operator's business.
      if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE")
        console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
