import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { RISK_TIERS } from "../../server/shared/constants";
import { cases, timelineEvents } from "./cases";
import { roleEnum, users } from "./users";

const tstz = () => timestamp({ withTimezone: true });

export { RISK_TIERS, type RiskTier } from "../../server/shared/constants";
export const REQUEST_STATUSES = ["pending", "approved", "denied", "cancelled", "expired"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const DECISIONS = ["approve", "deny"] as const;
export const EXECUTION_STATUSES = ["pending", "running", "succeeded", "failed"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const riskTierEnum = pgEnum("risk_tier", RISK_TIERS);
export const requestStatusEnum = pgEnum("request_status", REQUEST_STATUSES);
export const decisionEnum = pgEnum("decision", DECISIONS);
export const executionStatusEnum = pgEnum("execution_status", EXECUTION_STATUSES);

/**
 * The action catalogue's policy half, editable by admins. The parameter schema and
 * scope rule of each key live in code (server/actions/catalogue.ts).
 */
export const actionTypes = pgTable(
  "action_types",
  {
    key: text().primaryKey(),
    title: text().notNull(),
    description: text().notNull(),
    riskTier: riskTierEnum().notNull(),
    approvalsRequired: smallint().notNull().default(1),
    approverRoles: roleEnum().array().notNull(),
    minClearance: smallint().notNull().default(1),
    maxDurationMinutes: integer().notNull(),
    /** 1 = single use; more = a window with that many uses. */
    maxUses: integer().notNull().default(1),
    /** Outside business hours the request needs one approval more. */
    businessHours: boolean().notNull().default(false),
    breakGlassAllowed: boolean().notNull().default(false),
    /** Someone holding a live grant on the same case may not approve there. */
    excludeCaseGrantees: boolean().notNull().default(false),
    /** The person who requests and runs the action proves a fresh second factor at both steps. */
    executorStepUp: boolean().notNull().default(false),
    /** Break-glass limits per person over the last 24 hours, and unreviewed break-glass allowed at once. */
    breakGlassPerDay: smallint().notNull().default(3),
    breakGlassMinutesPerDay: integer().notNull().default(30),
    breakGlassMaxUnreviewed: smallint().notNull().default(2),
    enabled: boolean().notNull().default(true),
    version: integer().notNull().default(1),
    updatedAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    check("action_types_approvals_range", sql`${t.approvalsRequired} between 1 and 5`),
    check("action_types_clearance_range", sql`${t.minClearance} between 1 and 4`),
    check("action_types_duration_range", sql`${t.maxDurationMinutes} between 1 and 1440`),
    check("action_types_uses_range", sql`${t.maxUses} between 1 and 1000`),
    check("action_types_break_glass_per_day", sql`${t.breakGlassPerDay} between 0 and 50`),
    check("action_types_break_glass_minutes", sql`${t.breakGlassMinutesPerDay} between 0 and 1440`),
    check("action_types_break_glass_unreviewed", sql`${t.breakGlassMaxUnreviewed} between 0 and 50`),
  ],
);

export const actionRequests = pgTable(
  "action_requests",
  {
    id: uuid().primaryKey().defaultRandom(),
    caseId: uuid()
      .notNull()
      .references(() => cases.id),
    actionKey: text()
      .notNull()
      .references(() => actionTypes.key),
    params: jsonb().notNull(),
    /** SHA-256 of the canonical parameters: what an approval says it saw. */
    paramsHash: text().notNull(),
    justification: text().notNull(),
    triggerEventId: uuid().references(() => timelineEvents.id),
    requestedMinutes: integer().notNull(),
    requestedUses: integer().notNull().default(1),
    status: requestStatusEnum().notNull().default("pending"),
    requesterId: uuid()
      .notNull()
      .references(() => users.id),
    breakGlass: boolean().notNull().default(false),
    createdAt: tstz().notNull().defaultNow(),
    expiresAt: tstz().notNull(),
    decidedAt: tstz(),
    /** Why it ended without a grant (denial reason, cancellation), or the break-glass reason. */
    outcomeNote: text(),
  },
  (t) => [
    index("action_requests_pending_idx")
      .on(t.expiresAt)
      .where(sql`${t.status} = 'pending'`),
    index("action_requests_case_idx").on(t.caseId, t.createdAt),
    index("action_requests_requester_idx").on(t.requesterId, t.createdAt),
    index("action_requests_action_idx").on(t.actionKey, t.createdAt),
    // Compliance reads by period.
    index("action_requests_created_idx").on(t.createdAt),
  ],
);

export const approvals = pgTable(
  "approvals",
  {
    id: uuid().primaryKey().defaultRandom(),
    requestId: uuid()
      .notNull()
      .references(() => actionRequests.id),
    approverId: uuid()
      .notNull()
      .references(() => users.id),
    decision: decisionEnum().notNull(),
    comment: text().notNull().default(""),
    /** Set when the approver narrowed the scope; must lie inside what was requested. */
    narrowedParams: jsonb(),
    narrowedMinutes: integer(),
    narrowedUses: integer(),
    paramsHashSeen: text().notNull(),
    /** When and how a second factor was verified for this decision, where policy asked for one. */
    stepUpAt: tstz(),
    stepUpMethod: text(),
    /** Why the approver was allowed, as it stood at the decision: roles, clearance, policy version. */
    approverRoles: roleEnum().array(),
    approverClearance: smallint(),
    policyVersion: integer(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    unique("approvals_one_per_approver").on(t.requestId, t.approverId),
    index().on(t.approverId),
    index("approvals_created_idx").on(t.createdAt),
  ],
);

export const grants = pgTable(
  "grants",
  {
    id: uuid().primaryKey().defaultRandom(),
    requestId: uuid()
      .notNull()
      .unique()
      .references(() => actionRequests.id),
    caseId: uuid()
      .notNull()
      .references(() => cases.id),
    actionKey: text()
      .notNull()
      .references(() => actionTypes.key),
    granteeId: uuid()
      .notNull()
      .references(() => users.id),
    scope: jsonb().notNull(),
    notBefore: tstz().notNull(),
    expiresAt: tstz().notNull(),
    maxUses: integer().notNull(),
    uses: integer().notNull().default(0),
    breakGlass: boolean().notNull().default(false),
    revokedAt: tstz(),
    revokedBy: uuid().references(() => users.id),
    revokeReason: text(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    check("grants_window", sql`${t.expiresAt} > ${t.notBefore}`),
    check("grants_uses", sql`${t.uses} between 0 and ${t.maxUses}`),
    index("grants_case_idx").on(t.caseId, t.createdAt),
    index("grants_grantee_idx").on(t.granteeId, t.expiresAt),
    index("grants_created_idx").on(t.createdAt),
  ],
);

export const executions = pgTable(
  "executions",
  {
    id: uuid().primaryKey().defaultRandom(),
    grantId: uuid()
      .notNull()
      .references(() => grants.id),
    caseId: uuid()
      .notNull()
      .references(() => cases.id),
    actionKey: text().notNull(),
    params: jsonb().notNull(),
    executorId: uuid()
      .notNull()
      .references(() => users.id),
    /** pending (queued for a webhook) → running → succeeded / failed. */
    status: executionStatusEnum().notNull().default("running"),
    /** Connector that carries it out; null for the built-in "recorded only" executor. */
    connectorName: text(),
    /** A running execution not finished by then was interrupted (the process died): it is failed by the sweep. */
    leaseUntil: tstz(),
    /** What the executor reported: a summary for people, plus its details. */
    summary: text(),
    result: jsonb(),
    startedAt: tstz().notNull().defaultNow(),
    finishedAt: tstz(),
  },
  (t) => [
    index("executions_grant_idx").on(t.grantId),
    index("executions_case_idx").on(t.caseId, t.startedAt),
    index("executions_started_idx").on(t.startedAt),
  ],
);

/** The mandatory post-hoc review every break-glass grant creates. */
export const breakGlassReviews = pgTable("break_glass_reviews", {
  requestId: uuid()
    .primaryKey()
    .references(() => actionRequests.id),
  openedAt: tstz().notNull().defaultNow(),
  reviewerId: uuid().references(() => users.id),
  verdict: text({ enum: ["justified", "unjustified"] }),
  note: text(),
  reviewedAt: tstz(),
});

export type ActionType = typeof actionTypes.$inferSelect;
export type ActionRequest = typeof actionRequests.$inferSelect;
export type Grant = typeof grants.$inferSelect;
export type Execution = typeof executions.$inferSelect;
