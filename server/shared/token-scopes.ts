/** What an API token may do (shared by the server and the console); a token acts as its person, narrowed to these. */
export const TOKEN_SCOPES = [
  "cases:read",
  "cases:write",
  "events:ingest",
  "requests:create",
  "grants:execute",
  "ledger:read",
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
