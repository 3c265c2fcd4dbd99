import type { TokenScope } from "@/db/schema";

/**
 * The procedures a token may call, and the scopes that open each; everything else is refused.
 * Deciding (approve, deny, break glass, break-glass reviews), policy, admin work, account
 * changes (tokens included) and compliance work are absent on purpose: a token acts, a person
 * decides. "any" means any live token of the person (who am I).
 */
export const TOKEN_PROCEDURES: Record<string, readonly TokenScope[] | "any"> = {
  me: "any",
  "cases.list": ["cases:read"],
  "cases.byKey": ["cases:read"],
  "cases.get": ["cases:read"],
  "cases.members.list": ["cases:read"],
  "cases.entities.list": ["cases:read"],
  "cases.entities.get": ["cases:read"],
  "cases.timeline.list": ["cases:read"],
  "cases.notes.list": ["cases:read"],
  "cases.evidence.list": ["cases:read"],
  "cases.create": ["cases:write"],
  "cases.update": ["cases:write"],
  "cases.setStatus": ["cases:write"],
  "cases.entities.add": ["cases:write", "events:ingest"],
  "cases.entities.update": ["cases:write"],
  "cases.timeline.add": ["cases:write", "events:ingest"],
  "cases.timeline.import": ["cases:write", "events:ingest"],
  "cases.timeline.star": ["cases:write"],
  "cases.notes.add": ["cases:write"],
  "cases.evidence.register": ["cases:write"],
  "requests.catalogue": ["requests:create", "cases:read"],
  "requests.ofCase": ["requests:create", "cases:read"],
  "requests.review": ["requests:create", "cases:read"],
  "requests.create": ["requests:create"],
  "requests.cancel": ["requests:create"],
  "alerts.ingest": ["events:ingest"],
  "actions.execute": ["grants:execute"],
  "actions.revokeGrant": ["grants:execute"],
  "ledger.entries": ["ledger:read"],
  "ledger.types": ["ledger:read"],
  "ledger.actors": ["ledger:read"],
  "ledger.entry": ["ledger:read"],
  "ledger.latestCheckpoint": ["ledger:read"],
  "ledger.inclusionProof": ["ledger:read"],
  "ledger.consistencyProof": ["ledger:read"],
};

/** Why a token may not call the procedure, or null when it may. */
export function tokenRefusal(scopes: readonly string[], path: string): string | null {
  const needs = TOKEN_PROCEDURES[path];
  if (!needs) return "API tokens cannot do this: it needs a person signed in to the console";
  if (needs === "any" || needs.some((s) => scopes.includes(s))) return null;
  return `This token lacks the scope for this: it needs ${needs.join(" or ")}`;
}
