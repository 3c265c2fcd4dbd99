import { type SQL, sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { ENTITY_KINDS } from "../../server/shared/constants";
import { users } from "./users";

const tstz = () => timestamp({ withTimezone: true });
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });
/**
 * The 32-byte salt of the record's ledger commitment (server/ledger/commitment.ts). The app
 * writes 32 random bytes; the default (two random UUIDs' hex) covers rows written before
 * commitments existed and bulk inserts, which read the salt back.
 */
const commitmentSalt = () =>
  bytea()
    .notNull()
    .default(sql`decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex')`);

export const CASE_STATUSES = ["new", "triage", "investigating", "contained", "closed"] as const;
export const RESOLUTIONS = [
  "true_positive",
  "false_positive",
  "benign",
  "duplicate",
  "indeterminate",
] as const;
/** Traffic Light Protocol 2.0. */
export const TLP_LEVELS = ["clear", "green", "amber", "amber_strict", "red"] as const;
export const MEMBER_ACCESS = ["read", "write"] as const;
export { ENTITY_KINDS, type EntityKind } from "../../server/shared/constants";
export const ENTITY_ROLES = ["suspect", "victim", "affected"] as const;
export const EVENT_SOURCES = ["manual", "import", "action", "system"] as const;
export const EVENT_RELATIONS = ["actor", "target", "observed"] as const;
export const CUSTODY_ACTIONS = ["collected", "accessed", "exported", "verified"] as const;

export type CaseStatus = (typeof CASE_STATUSES)[number];
export type Resolution = (typeof RESOLUTIONS)[number];
export type Tlp = (typeof TLP_LEVELS)[number];
export type MemberAccess = (typeof MEMBER_ACCESS)[number];
export type EntityRole = (typeof ENTITY_ROLES)[number];
export type EventSource = (typeof EVENT_SOURCES)[number];
export type EventRelation = (typeof EVENT_RELATIONS)[number];
export type CustodyAction = (typeof CUSTODY_ACTIONS)[number];

export const caseStatusEnum = pgEnum("case_status", CASE_STATUSES);
export const resolutionEnum = pgEnum("case_resolution", RESOLUTIONS);
export const tlpEnum = pgEnum("tlp", TLP_LEVELS);
export const memberAccessEnum = pgEnum("member_access", MEMBER_ACCESS);
export const entityKindEnum = pgEnum("entity_kind", ENTITY_KINDS);
export const entityRoleEnum = pgEnum("entity_role", ENTITY_ROLES);
export const eventSourceEnum = pgEnum("event_source", EVENT_SOURCES);
export const eventRelationEnum = pgEnum("event_relation", EVENT_RELATIONS);
export const custodyActionEnum = pgEnum("custody_action", CUSTODY_ACTIONS);

/** Per-year counter behind case keys (CASE-2026-0042). */
export const caseKeyCounters = pgTable("case_key_counters", {
  year: integer().primaryKey(),
  last: integer().notNull(),
});

export const cases = pgTable(
  "cases",
  {
    id: uuid().primaryKey().defaultRandom(),
    key: text().notNull().unique(),
    title: text().notNull(),
    summary: text().notNull().default(""),
    /** 1 (low) to 4 (critical). */
    severity: smallint().notNull(),
    status: caseStatusEnum().notNull().default("new"),
    resolution: resolutionEnum(),
    tlp: tlpEnum().notNull().default("amber"),
    leadId: uuid()
      .notNull()
      .references(() => users.id),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    openedAt: tstz().notNull().defaultNow(),
    closedAt: tstz(),
    updatedAt: tstz().notNull().defaultNow(),
    /** Optimistic concurrency: every update names the version it read. */
    version: integer().notNull().default(1),
    salt: commitmentSalt(),
  },
  (t) => [
    check("cases_severity_range", sql`${t.severity} between 1 and 4`),
    check("cases_salt_32", sql`octet_length(${t.salt}) = 32`),
    check(
      "cases_closed_has_resolution",
      sql`(${t.status} = 'closed') = (${t.resolution} is not null and ${t.closedAt} is not null)`,
    ),
    index("cases_status_idx").on(t.status, t.severity),
  ],
);

export const caseMembers = pgTable(
  "case_members",
  {
    caseId: uuid()
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    access: memberAccessEnum().notNull(),
    addedBy: uuid()
      .notNull()
      .references(() => users.id),
    addedAt: tstz().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId] }), index("case_members_user_idx").on(t.userId)],
);

export const entities = pgTable(
  "entities",
  {
    id: uuid().primaryKey().defaultRandom(),
    caseId: uuid()
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    kind: entityKindEnum().notNull(),
    /** Normalised (see server/cases/normalise.ts): the identity of the entity within its case. */
    value: text().notNull(),
    role: entityRoleEnum().notNull().default("suspect"),
    notes: text().notNull().default(""),
    firstSeen: tstz(),
    salt: commitmentSalt(),
    lastSeen: tstz(),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    unique("entities_case_kind_value").on(t.caseId, t.kind, t.value),
    check("entities_salt_32", sql`octet_length(${t.salt}) = 32`),
  ],
);

export const timelineEvents = pgTable(
  "timeline_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    caseId: uuid()
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    /** When it happened (as reported by the source). */
    occurredAt: tstz().notNull(),
    /** When it was written here (database clock). */
    recordedAt: tstz().notNull().defaultNow(),
    source: eventSourceEnum().notNull(),
    title: text().notNull(),
    description: text().notNull().default(""),
    raw: jsonb(),
    category: text(),
    /** MITRE ATT&CK technique id, e.g. T1110.004. */
    attackTechnique: text(),
    starred: boolean().notNull().default(false),
    salt: commitmentSalt(),
    authorId: uuid()
      .notNull()
      .references(() => users.id),
    search: tsvector()
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`to_tsvector('simple', ${timelineEvents.title} || ' ' || ${timelineEvents.description} || ' ' || coalesce(${timelineEvents.category}, '') || ' ' || coalesce(${timelineEvents.attackTechnique}, ''))`,
      ),
  },
  (t) => [
    check("timeline_events_salt_32", sql`octet_length(${t.salt}) = 32`),
    index("timeline_events_case_time_idx").on(t.caseId, t.occurredAt, t.id),
    index("timeline_events_search_idx").using("gin", t.search),
  ],
);

export const eventEntities = pgTable(
  "event_entities",
  {
    eventId: uuid()
      .notNull()
      .references(() => timelineEvents.id, { onDelete: "cascade" }),
    entityId: uuid()
      .notNull()
      .references(() => entities.id, { onDelete: "cascade" }),
    relation: eventRelationEnum().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.entityId, t.relation] }),
    index("event_entities_entity_idx").on(t.entityId, t.eventId),
  ],
);

export const notes = pgTable(
  "notes",
  {
    id: uuid().primaryKey().defaultRandom(),
    caseId: uuid()
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    authorId: uuid()
      .notNull()
      .references(() => users.id),
    /** Markdown, rendered without raw HTML. */
    body: text().notNull(),
    salt: commitmentSalt(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    index("notes_case_idx").on(t.caseId, t.createdAt),
    check("notes_salt_32", sql`octet_length(${t.salt}) = 32`),
  ],
);

export const evidence = pgTable(
  "evidence",
  {
    id: uuid().primaryKey().defaultRandom(),
    caseId: uuid()
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** Lower-case hex. */
    sha256: text().notNull(),
    sizeBytes: bigint({ mode: "number" }).notNull(),
    source: text().notNull(),
    description: text().notNull().default(""),
    salt: commitmentSalt(),
    acquiredBy: uuid()
      .notNull()
      .references(() => users.id),
    acquiredAt: tstz().notNull(),
    /** Set when an action's execution produced it (its bytes are in evidence_contents). */
    executionId: uuid(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    check("evidence_sha256_hex", sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check("evidence_size_nonnegative", sql`${t.sizeBytes} >= 0`),
    check("evidence_salt_32", sql`octet_length(${t.salt}) = 32`),
    index("evidence_case_idx").on(t.caseId, t.createdAt),
  ],
);

/** Chain of custody: append-only (a trigger refuses UPDATE and DELETE). */
export const custodyEvents = pgTable(
  "custody_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    evidenceId: uuid()
      .notNull()
      .references(() => evidence.id),
    action: custodyActionEnum().notNull(),
    actorId: uuid()
      .notNull()
      .references(() => users.id),
    at: tstz().notNull().defaultNow(),
    note: text().notNull().default(""),
    salt: commitmentSalt(),
    /** For `verified`: the hash presented and whether it matched. */
    detail: jsonb(),
    /** For `exported`: the evidence.export grant whose use this download was (required by a check). */
    grantId: uuid(),
    /** The ledger entry written with this custody event: its inclusion proof goes into export packages. */
    ledgerEntryId: uuid(),
  },
  (t) => [
    index("custody_events_evidence_idx").on(t.evidenceId, t.at),
    check("custody_events_salt_32", sql`octet_length(${t.salt}) = 32`),
  ],
);
