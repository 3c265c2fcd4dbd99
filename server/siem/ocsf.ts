/**
 * Ledger entries as OCSF-shaped events (class API Activity, 6003, with the authorization
 * details a SIEM correlates on), one JSON object per entry. What OCSF has no field for
 * goes under `unmapped`. An entry of a case exports only its ids, outcome fields and content
 * commitments (CASE_PAYLOAD_KEYS): justifications, comments, parameters and old entries' text
 * stay in the ledger, where only compliance and the case's members read them. The schema is
 * documented in docs/commitments.md and the README ("SIEM export").
 */
import type { JsonValue } from "../ledger/canonical";
import { readEntry } from "../ledger/entry";
import { siemMappingOf } from "./mapping";

export const OCSF_VERSION = "1.3.0";
export const SIEM_SCHEMA = "casefile.siem.v1";

// OCSF API Activity activity_id values.
const ACTIVITY = { create: 1, read: 2, update: 3, delete: 4, other: 99 } as const;

/**
 * Payload fields of case entries that leave for the SIEM: ids, enumerations, counts, hashes and
 * outcomes, never free text. Values must be scalars; `commitments` (record id → hex) and
 * `textChanged` (field names) are checked for their shape.
 */
const CASE_PAYLOAD_KEYS = new Set([
  "action",
  "actionKey",
  "attested",
  "breakGlass",
  "by",
  "complete",
  "evidenceId",
  "expiresAt",
  "format",
  "from",
  "granteeId",
  "imported",
  "matched",
  "maxUses",
  "minutes",
  "occurredAt",
  "ok",
  "paramsHash",
  "paramsHashSeen",
  "presented",
  "previousVerdict",
  "requesterId",
  "resolution",
  "riskTier",
  "rowCount",
  "severity",
  "sha256",
  "sizeBytes",
  "status",
  "timelineEventId",
  "tlp",
  "to",
  "total",
  "truncated",
  "use",
  "usesSpent",
  "verdict",
]);
const HEX64 = /^[0-9a-f]{64}$/;
const FIELD_NAME = /^[a-z][a-zA-Z]{0,39}$/;

function casePayload(payload: unknown): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(obj(payload))) {
    if (key === "commitments") {
      const valid = Object.entries(obj(value)).filter(
        (e): e is [string, string] => typeof e[1] === "string" && HEX64.test(e[1]),
      );
      out.commitments = Object.fromEntries(valid);
    } else if (key === "textChanged" && Array.isArray(value)) {
      out.textChanged = value.filter((f): f is string => typeof f === "string" && FIELD_NAME.test(f));
    } else if (
      CASE_PAYLOAD_KEYS.has(key) &&
      (value === null || ["string", "number", "boolean"].includes(typeof value))
    ) {
      out[key] = value as JsonValue;
    }
  }
  return out;
}

const obj = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export type OcsfEvent = {
  time: number;
  time_dt: string;
  class_uid: 6003;
  class_name: "API Activity";
  category_uid: 6;
  category_name: "Application Activity";
  activity_id: number;
  activity_name: string;
  type_uid: number;
  severity_id: number;
  status: "Success" | "Failure";
  status_id: 1 | 2;
  actor: { user: { uid: string | null; name: string | null; type: "User" | "System" } };
  api: { operation: string; request: { uid: string | null } };
  src_endpoint: { ip: string | null };
  http_request: { user_agent: string | null };
  resources: { uid: string; type: string }[];
  metadata: {
    uid: string | null;
    sequence: number;
    version: string;
    product: { name: "Casefile"; vendor_name: "Casefile"; feature: { name: "audit-ledger" } };
    log_name: string;
    original_time: string | null;
    schema: string;
  };
  unmapped: { [key: string]: JsonValue };
};

/** Maps one ledger entry (its canonical JSON) with its sequence number. Never throws on odd shapes. */
export function toOcsf(seq: number, body: string, logName: string, leafHashHex?: string): OcsfEvent {
  // Versions 1 and 2 read alike (the case key is `caseId` in version 1, `caseKey` from version 2).
  const entry = readEntry(body);
  const type = entry?.type ?? "unknown";
  const at = entry?.at ?? null;
  const ms = at ? Date.parse(at) : Number.NaN;
  const mapping = siemMappingOf(type);
  const failure = mapping.failure === true;
  const activity = ACTIVITY[mapping.activity];
  const caseKey = entry?.caseKey ?? null;
  const subjects = entry?.subjects ?? [];
  return {
    time: Number.isNaN(ms) ? 0 : ms,
    time_dt: Number.isNaN(ms) ? "" : new Date(ms).toISOString(),
    class_uid: 6003,
    class_name: "API Activity",
    category_uid: 6,
    category_name: "Application Activity",
    activity_id: activity,
    activity_name: type,
    type_uid: 6003 * 100 + activity,
    // 1 Informational, 3 Medium (refusals, failures), 4 High (break-glass).
    severity_id: mapping.severity === "high" ? 4 : failure ? 3 : 1,
    status: failure ? "Failure" : "Success",
    status_id: failure ? 2 : 1,
    actor: {
      user: {
        uid: entry?.actor?.id ?? null,
        name: entry?.actor?.name ?? null,
        type: entry?.actor ? "User" : "System",
      },
    },
    api: { operation: type, request: { uid: entry?.request?.id ?? null } },
    src_endpoint: { ip: entry?.request?.ip ?? null },
    http_request: { user_agent: entry?.request?.userAgent ?? null },
    resources: [
      ...(caseKey ? [{ uid: caseKey, type: "case" }] : []),
      ...subjects.map((uid) => ({ uid, type: "record" })),
    ],
    metadata: {
      uid: entry?.id ?? null,
      sequence: seq,
      version: OCSF_VERSION,
      product: { name: "Casefile", vendor_name: "Casefile", feature: { name: "audit-ledger" } },
      log_name: logName,
      original_time: at,
      schema: SIEM_SCHEMA,
    },
    unmapped: {
      case_id: caseKey,
      subjects,
      payload: caseKey ? casePayload(entry?.payload) : ((entry?.payload ?? {}) as JsonValue),
      entry_version: entry?.v ?? null,
      leaf_hash: leafHashHex ?? null,
    },
  };
}
