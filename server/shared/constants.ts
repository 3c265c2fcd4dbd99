/**
 * Constants both sides need: the database schema's enums, the services' rules and the console's
 * forms and labels read them from here, so a new role, tier or entity kind is added once.
 *
 * This is the one part of server/ that reaches the browser: it imports nothing, holds no secret
 * and is never marked `server-only` (eslint.config.mjs lets client code import server/shared/
 * and nothing else of server/).
 */

export const ROLES = ["investigator", "approver", "compliance", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const RISK_TIERS = ["low", "medium", "high", "critical"] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

/** Approving an action of these tiers needs a second factor proved within the last few minutes. */
export const SECOND_FACTOR_TIERS: readonly RiskTier[] = ["high", "critical"];

export function approvalNeedsSecondFactor(tier: RiskTier): boolean {
  return SECOND_FACTOR_TIERS.includes(tier);
}

export const ENTITY_KINDS = [
  "user_account",
  "host",
  "ip",
  "domain",
  "session",
  "db_role",
  "file_hash",
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const ENTITY_KIND_LABELS: Record<EntityKind, string> = {
  user_account: "User account",
  host: "Host",
  ip: "IP address",
  domain: "Domain",
  session: "Session",
  db_role: "Database role",
  file_hash: "File hash",
};

export const CONNECTOR_KINDS = ["postgres", "webhook"] as const;
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];

/** The action types each kind of connector can carry out. */
export const CONNECTOR_SERVES: Record<ConnectorKind, readonly string[]> = {
  postgres: ["logs.query", "db.session.terminate", "db.role.disable", "db.role.enable"],
  webhook: ["host.isolate", "account.disable"],
};
