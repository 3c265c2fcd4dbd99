import { alertSourcesFrom } from "@/server/api/alert-source";
import { createApiHandler, type ApiHandler } from "@/server/api/handler";
import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { requestMetaFrom } from "@/server/request-meta";

export const dynamic = "force-dynamic";

let api: ApiHandler | undefined;

/** The REST API (/api/v1/…): one plain handler in server/api/ serves every route. */
function handler(req: Request) {
  api ??= createApiHandler({
    db: getDb(),
    ratePerMinute: env().CASEFILE_API_RATE_PER_MINUTE,
    alertSources: alertSourcesFrom(env().CASEFILE_ALERT_SOURCES),
  });
  return api(req, requestMetaFrom(req.headers));
}

export { handler as GET, handler as POST, handler as PATCH };
