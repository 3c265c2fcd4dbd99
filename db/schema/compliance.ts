import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { approvals } from "./requests";
import { users } from "./users";

const tstz = () => timestamp({ withTimezone: true });

export const FINDING_SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];
export const FINDING_STATUSES = ["open", "acknowledged", "resolved", "false_positive"] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
export const ATTESTATION_VERDICTS = ["appropriate", "inappropriate"] as const;
export type AttestationVerdict = (typeof ATTESTATION_VERDICTS)[number];

export const findingSeverityEnum = pgEnum("finding_severity", FINDING_SEVERITIES);
export const findingStatusEnum = pgEnum("finding_status", FINDING_STATUSES);
export const attestationVerdictEnum = pgEnum("attestation_verdict", ATTESTATION_VERDICTS);

/**
 * What an anomaly detector found about the approval process. One row per
 * detector and subject (`dedupKey`): a detector seeing the same pattern again
 * updates the row (occurrences, evidence, last seen) instead of adding one.
 */
export const findings = pgTable(
  "findings",
  {
    id: uuid().primaryKey().defaultRandom(),
    detector: text().notNull(),
    /** Detector + subject, e.g. `rubber_stamping:<approver id>`. */
    dedupKey: text().notNull().unique(),
    severity: findingSeverityEnum().notNull(),
    title: text().notNull(),
    /** Plain-language explanation of the pattern and why it matters. */
    explanation: text().notNull(),
    /** The rows behind it: ids of requests, approvals, grants, executions, ledger entries, users, cases. */
    evidence: jsonb().notNull(),
    /** The person the finding is about, where there is one. */
    subjectUserId: uuid().references(() => users.id),
    status: findingStatusEnum().notNull().default("open"),
    occurrences: integer().notNull().default(1),
    firstSeenAt: tstz().notNull().defaultNow(),
    lastSeenAt: tstz().notNull().defaultNow(),
    triagedBy: uuid().references(() => users.id),
    triagedAt: tstz(),
    triageNote: text(),
  },
  (t) => [
    index("findings_status_idx").on(t.status, t.severity),
    index("findings_detector_idx").on(t.detector, t.lastSeenAt),
  ],
);

/** Per-detector switch and thresholds, editable by compliance reviewers. */
export const detectorSettings = pgTable("detector_settings", {
  detector: text().primaryKey(),
  enabled: boolean().notNull().default(true),
  thresholds: jsonb().notNull(),
  version: integer().notNull().default(1),
  updatedAt: tstz().notNull().defaultNow(),
  updatedBy: uuid().references(() => users.id),
});

/** A periodic review: every approval decided in [periodStart, periodEnd) is attested. */
export const reviewCampaigns = pgTable(
  "review_campaigns",
  {
    id: uuid().primaryKey().defaultRandom(),
    title: text().notNull(),
    periodStart: tstz().notNull(),
    periodEnd: tstz().notNull(),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: tstz().notNull().defaultNow(),
    closedAt: tstz(),
  },
  (t) => [index("review_campaigns_period_idx").on(t.periodStart)],
);

export const attestations = pgTable(
  "attestations",
  {
    id: uuid().primaryKey().defaultRandom(),
    campaignId: uuid()
      .notNull()
      .references(() => reviewCampaigns.id),
    approvalId: uuid()
      .notNull()
      .references(() => approvals.id),
    reviewerId: uuid()
      .notNull()
      .references(() => users.id),
    verdict: attestationVerdictEnum().notNull(),
    note: text().notNull().default(""),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [unique("attestations_one_per_approval").on(t.campaignId, t.approvalId)],
);

export type Finding = typeof findings.$inferSelect;
export type ReviewCampaign = typeof reviewCampaigns.$inferSelect;
