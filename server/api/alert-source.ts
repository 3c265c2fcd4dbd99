import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { loadUserForSystem, type SessionUser } from "../auth/sessions";
import { verifySignature } from "../connectors/webhook";
import type { TokenAuth } from "../tokens/authenticate";

/** A webhook source of alerts: its name, the secret it signs with, and the (service) account it acts as. */
export type AlertSource = { name: string; secret: string; account: string };

export const SOURCE_HEADER = "casefile-source";

/** "siem:svc-siem@corp.example=<secret>" pairs (CASEFILE_ALERT_SOURCES) → sources. */
export function alertSourcesFrom(pairs: readonly (readonly [string, string])[]): AlertSource[] {
  return pairs.flatMap(([key, secret]) => {
    const at = key.indexOf(":");
    return at > 0 ? [{ name: key.slice(0, at), account: key.slice(at + 1).toLowerCase(), secret }] : [];
  });
}

/**
 * An alert signed as outbound webhooks are (casefile-timestamp, casefile-signature: v1=HMAC-SHA256
 * of "timestamp.body") by a configured source: it acts as the source's account, narrowed to
 * alert intake alone.
 */
export async function authenticateSource(
  db: Db,
  sources: readonly AlertSource[],
  headers: Headers,
  body: string,
): Promise<
  { ok: true; user: SessionUser; token: TokenAuth; source: string } | { ok: false; reason: string }
> {
  const source = sources.find((s) => s.name === headers.get(SOURCE_HEADER));
  if (!source) return { ok: false, reason: "unknown alert source" };
  const check = verifySignature(
    source.secret,
    { signature: headers.get("casefile-signature"), timestamp: headers.get("casefile-timestamp") },
    body,
  );
  if (!check.ok) return { ok: false, reason: check.reason };
  const [account] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, source.account), isNull(users.disabledAt)));
  if (!account) return { ok: false, reason: "the source's account is missing or disabled" };
  return {
    ok: true,
    user: await loadUserForSystem(db, account.id),
    token: { id: `source:${source.name}`, kind: "service", scopes: ["events:ingest"] },
    source: source.name,
  };
}
