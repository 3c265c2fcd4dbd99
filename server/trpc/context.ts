import "server-only";
import { getCurrentUser } from "../auth/current-user";
import { getDb } from "../db";
import { requestMetaFrom } from "../request-meta";
import { createContextInner, type Context } from "./init";

/** Context for a real request: the session's user as loaded from the database. */
export async function createRequestContext(headers: Headers): Promise<Context> {
  return createContextInner({ db: getDb(), user: await getCurrentUser(), meta: requestMetaFrom(headers) });
}
