import type { TokenScope } from "@/db/schema";

/**
 * The REST API over the tRPC procedures: each route names the procedure it calls, so every rule
 * (validation, need-to-know, roles, token scopes) stays in one place. Path parameters become the
 * procedure's input fields; `{case}` takes a case key (CASE-2026-0042) or id.
 */
export type Route = {
  method: "GET" | "POST" | "PATCH";
  path: string;
  procedure: string;
  summary: string;
  /** The scopes that open it (from server/tokens/scopes.ts; documented in the OpenAPI document). */
  scopes: readonly TokenScope[] | "any";
  /** Path parameter → input field. */
  params?: Record<string, string>;
  /** Success status; POSTs that create answer 201. */
  status?: number;
  /** "slice": the procedure returns a bounded list that the API pages through. */
  pages?: "cursor" | "slice";
  /** Fixed input fields (e.g. the import format). */
  fixed?: Record<string, unknown>;
  /** Request body is `{ events: [...] }`, imported as one batch. */
  batch?: true;
};

const read: TokenScope[] = ["cases:read"];
const write: TokenScope[] = ["cases:write"];
const ingest: TokenScope[] = ["cases:write", "events:ingest"];
const ledger: TokenScope[] = ["ledger:read"];
const onCase = { case: "caseId" };

export const ROUTES: Route[] = [
  {
    method: "POST",
    path: "/alerts",
    procedure: "alerts.ingest",
    summary: "Take in an alert: opens a case, or adds to the open case of its correlation key",
    scopes: ["events:ingest"],
    status: 201,
  },
  { method: "GET", path: "/me", procedure: "me", summary: "Who the token acts as", scopes: "any" },
  {
    method: "GET",
    path: "/cases",
    procedure: "cases.list",
    summary: "Cases you may see",
    scopes: read,
    pages: "slice",
  },
  {
    method: "POST",
    path: "/cases",
    procedure: "cases.create",
    summary: "Open a case",
    scopes: write,
    status: 201,
  },
  {
    method: "GET",
    path: "/cases/{case}",
    procedure: "cases.get",
    summary: "One case",
    scopes: read,
    params: onCase,
  },
  {
    method: "PATCH",
    path: "/cases/{case}",
    procedure: "cases.update",
    summary: "Change a case",
    scopes: write,
    params: onCase,
  },
  {
    method: "GET",
    path: "/cases/{case}/events",
    procedure: "cases.timeline.list",
    summary: "The case's timeline, newest first",
    scopes: read,
    params: onCase,
    pages: "cursor",
  },
  {
    method: "POST",
    path: "/cases/{case}/events",
    procedure: "cases.timeline.add",
    summary: "Add a timeline event",
    scopes: ingest,
    params: onCase,
    status: 201,
  },
  {
    method: "POST",
    path: "/cases/{case}/events/batch",
    procedure: "cases.timeline.import",
    summary: "Add up to 5,000 timeline events at once: all or none",
    scopes: ingest,
    params: onCase,
    status: 201,
    fixed: { format: "jsonl" },
    batch: true,
  },
  {
    method: "GET",
    path: "/cases/{case}/entities",
    procedure: "cases.entities.list",
    summary: "The case's entities",
    scopes: read,
    params: onCase,
    pages: "slice",
  },
  {
    method: "POST",
    path: "/cases/{case}/entities",
    procedure: "cases.entities.add",
    summary: "Add an entity",
    scopes: ingest,
    params: onCase,
    status: 201,
  },
  {
    method: "GET",
    path: "/cases/{case}/evidence",
    procedure: "cases.evidence.list",
    summary: "Evidence metadata",
    scopes: read,
    params: onCase,
    pages: "slice",
  },
  {
    method: "POST",
    path: "/cases/{case}/evidence",
    procedure: "cases.evidence.register",
    summary: "Register evidence (metadata and hash)",
    scopes: write,
    params: onCase,
    status: 201,
  },
  {
    method: "GET",
    path: "/actions",
    procedure: "requests.catalogue",
    summary: "The action catalogue",
    scopes: ["requests:create", "cases:read"],
  },
  {
    method: "GET",
    path: "/cases/{case}/requests",
    procedure: "requests.ofCase",
    summary: "The case's requests, decisions and grants",
    scopes: ["requests:create", "cases:read"],
    params: onCase,
  },
  {
    method: "POST",
    path: "/cases/{case}/requests",
    procedure: "requests.create",
    summary: "Request an action",
    scopes: ["requests:create"],
    params: onCase,
    status: 201,
  },
  {
    method: "GET",
    path: "/requests/{request}",
    procedure: "requests.review",
    summary: "A request and its status",
    scopes: ["requests:create", "cases:read"],
    params: { request: "requestId" },
  },
  {
    method: "POST",
    path: "/requests/{request}/cancel",
    procedure: "requests.cancel",
    summary: "Withdraw your request",
    scopes: ["requests:create"],
    params: { request: "requestId" },
  },
  {
    method: "POST",
    path: "/cases/{case}/grants/{grant}/execute",
    procedure: "actions.execute",
    summary: "Run a granted action (one use of the grant)",
    scopes: ["grants:execute"],
    params: { case: "caseId", grant: "grantId" },
  },
  {
    method: "POST",
    path: "/grants/{grant}/revoke",
    procedure: "actions.revokeGrant",
    summary: "Give up or revoke a grant",
    scopes: ["grants:execute"],
    params: { grant: "grantId" },
  },
  {
    method: "GET",
    path: "/ledger/entries",
    procedure: "ledger.entries",
    summary: "Ledger entries, newest first",
    scopes: ledger,
    pages: "cursor",
  },
  {
    method: "GET",
    path: "/ledger/entries/{seq}",
    procedure: "ledger.entry",
    summary: "One ledger entry",
    scopes: ledger,
    params: { seq: "seq" },
  },
  {
    method: "GET",
    path: "/ledger/entries/{seq}/proof",
    procedure: "ledger.inclusionProof",
    summary: "Inclusion proof of an entry",
    scopes: ledger,
    params: { seq: "seq" },
  },
  {
    method: "GET",
    path: "/ledger/checkpoint",
    procedure: "ledger.latestCheckpoint",
    summary: "The latest signed checkpoint",
    scopes: ledger,
  },
  {
    method: "GET",
    path: "/ledger/consistency",
    procedure: "ledger.consistencyProof",
    summary: "Consistency proof between two tree sizes (size1, size2)",
    scopes: ledger,
  },
];

export type Match = { route: Route; params: Record<string, string> };

/** The route for a method and path (below /api/v1), "method" when only the method is wrong, or null. */
export function matchRoute(method: string, path: string): Match | "method" | null {
  const parts = path.split("/").filter(Boolean);
  let methodMismatch = false;
  for (const route of ROUTES) {
    const pattern = route.path.split("/").filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const fits = pattern.every((p, i) => {
      const part = parts[i] ?? "";
      if (p.startsWith("{")) {
        try {
          params[p.slice(1, -1)] = decodeURIComponent(part);
        } catch {
          return false;
        }
        return part.length > 0;
      }
      return p === part;
    });
    if (!fits) continue;
    if (route.method === method) return { route, params };
    methodMismatch = true;
  }
  return methodMismatch ? "method" : null;
}
