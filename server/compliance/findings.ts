/**
 * Findings: detector hits deduplicated by detector and subject, triaged by
 * compliance reviewers (open → acknowledged → resolved / false positive, with a
 * note). New findings, reopenings and every triage step are ledger entries.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { detectorSettings, findings, users, type FindingSeverity, type FindingStatus } from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import {
  breakGlass,
  type Detector,
  type Evidence,
  type Hit,
  offHours,
  rubberStamping,
  selfApproval,
  type Thresholds,
  wideGrants,
} from "./detectors";
import {
  closedCaseActivity,
  lastMinute,
  ledgerVerification,
  pairConcentration,
  requestBursts,
  scopeProbing,
  unusedGrants,
} from "./usage-detectors";
import { ledgerIntegration } from "./integration-detector";
import { delegationMisuse } from "./delegation-detector";

export const DETECTORS: Detector[] = [
  ledgerVerification,
  ledgerIntegration,
  selfApproval,
  breakGlass,
  rubberStamping,
  wideGrants,
  offHours,
  pairConcentration,
  requestBursts,
  scopeProbing,
  unusedGrants,
  lastMinute,
  closedCaseActivity,
  delegationMisuse,
];

export function detectorOf(key: string): Detector | null {
  return DETECTORS.find((d) => d.key === key) ?? null;
}

/** Each detector's thresholds: its defaults, overridden by what reviewers saved. */
export async function settings(db: DbOrTx) {
  const saved = await db.select().from(detectorSettings);
  return DETECTORS.map((d) => {
    const row = saved.find((s) => s.detector === d.key);
    return {
      key: d.key,
      title: d.title,
      description: d.description,
      enabled: row?.enabled ?? true,
      thresholds: { ...d.defaults, ...((row?.thresholds as Thresholds | undefined) ?? {}) },
      defaults: d.defaults,
      version: row?.version ?? 0,
    };
  });
}

export type RunReport = { detector: string; hits: number; opened: number; ms: number }[];

/** Runs every enabled detector and records what it found. Any instance may run it. */
export async function runDetectors(
  db: Db,
  options: { orgTimeZone: string; only?: string[] },
): Promise<RunReport> {
  const report: RunReport = [];
  for (const s of await settings(db)) {
    const detector = detectorOf(s.key);
    if (!detector || !s.enabled || (options.only && !options.only.includes(s.key))) continue;
    const started = performance.now();
    const lookback = s.thresholds.lookbackDays ?? 30;
    const hits = await detector.run(db, s.thresholds, {
      since: sql`now() - make_interval(days => ${lookback})`,
      orgTimeZone: options.orgTimeZone,
    });
    let opened = 0;
    for (const hit of hits) if (await record(db, detector, hit)) opened++;
    report.push({ detector: s.key, hits: hits.length, opened, ms: Math.round(performance.now() - started) });
  }
  return report;
}

const sameEvidence = (a: Evidence, b: Evidence) =>
  (Object.keys(b) as (keyof Evidence)[]).every((k) =>
    (b[k] ?? []).every((id) => (a[k] as (string | number)[] | undefined)?.includes(id) ?? false),
  );

/**
 * Upserts one hit. A new finding, and a resolved one whose pattern shows new
 * evidence, is (re)opened with a ledger entry; a finding marked false positive stays so.
 */
async function record(db: Db, detector: Detector, hit: Hit): Promise<boolean> {
  const dedupKey = `${detector.key}:${hit.subject}`;
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(findings).where(eq(findings.dedupKey, dedupKey)).for("update");
    if (!existing) {
      const [row] = await tx
        .insert(findings)
        .values({
          detector: detector.key,
          dedupKey,
          severity: hit.severity,
          title: hit.title,
          explanation: hit.explanation,
          evidence: hit.evidence,
          subjectUserId: hit.subjectUserId,
          occurrences: hit.count,
        })
        .returning({ id: findings.id });
      if (!row) throw new Error("finding not recorded");
      await appendLedger(tx, {
        type: "finding.opened",
        actor: null,
        subjects: [row.id, ...(hit.subjectUserId ? [hit.subjectUserId] : [])],
        payload: { detector: detector.key, severity: hit.severity, title: hit.title, evidence: hit.evidence },
      });
      return true;
    }
    const grown = !sameEvidence(existing.evidence as Evidence, hit.evidence);
    const reopen = existing.status === "resolved" && grown;
    await tx
      .update(findings)
      .set({
        severity: hit.severity,
        title: hit.title,
        explanation: hit.explanation,
        evidence: hit.evidence,
        occurrences: hit.count,
        lastSeenAt: sql`now()`,
        ...(reopen ? { status: "open" as const } : {}),
      })
      .where(eq(findings.id, existing.id));
    if (reopen) {
      await appendLedger(tx, {
        type: "finding.reopened",
        actor: null,
        subjects: [existing.id],
        payload: { detector: detector.key, severity: hit.severity, title: hit.title, evidence: hit.evidence },
      });
    }
    return reopen;
  });
}

const NEXT: Record<FindingStatus, FindingStatus[]> = {
  open: ["acknowledged", "resolved", "false_positive"],
  acknowledged: ["resolved", "false_positive", "open"],
  resolved: ["open"],
  false_positive: ["open"],
};

export async function triageFinding(
  db: Db,
  user: SessionUser,
  input: { findingId: string; status: FindingStatus; note: string },
  request: RequestMeta | null = null,
): Promise<void> {
  const note = input.note.trim();
  if (input.status !== "acknowledged" && note.length < 5)
    throw new DomainError("BAD_REQUEST", "Say why, in a few words", { field: "note" });
  await db.transaction(async (tx) => {
    const [finding] = await tx.select().from(findings).where(eq(findings.id, input.findingId)).for("update");
    if (!finding) throw new DomainError("NOT_FOUND", "No such finding", { field: "findingId" });
    if (!NEXT[finding.status].includes(input.status))
      throw new DomainError(
        "CONFLICT",
        `A finding that is ${finding.status.replace("_", " ")} cannot become ${input.status.replace("_", " ")}`,
        {
          field: "status",
        },
      );
    if (finding.subjectUserId === user.id)
      throw new DomainError("FORBIDDEN", "Someone else triages findings about you");
    await tx
      .update(findings)
      .set({ status: input.status, triagedBy: user.id, triagedAt: sql`now()`, triageNote: note })
      .where(eq(findings.id, finding.id));
    await appendLedger(tx, {
      type: "finding.triaged",
      actor: { id: user.id, name: user.name },
      subjects: [finding.id],
      payload: { detector: finding.detector, from: finding.status, to: input.status, note },
      request,
    });
  });
}

export type FindingFilter = { status?: FindingStatus[]; severity?: FindingSeverity[]; detector?: string };

export async function listFindings(db: DbOrTx, filter: FindingFilter = {}) {
  const subject = users;
  return db
    .select({
      id: findings.id,
      detector: findings.detector,
      severity: findings.severity,
      title: findings.title,
      status: findings.status,
      occurrences: findings.occurrences,
      firstSeenAt: findings.firstSeenAt,
      lastSeenAt: findings.lastSeenAt,
      subjectName: subject.name,
    })
    .from(findings)
    .leftJoin(subject, eq(subject.id, findings.subjectUserId))
    .where(
      and(
        filter.status?.length ? inArray(findings.status, filter.status) : undefined,
        filter.severity?.length ? inArray(findings.severity, filter.severity) : undefined,
        filter.detector ? eq(findings.detector, filter.detector) : undefined,
      ),
    )
    .orderBy(
      sql`array_position(array['critical','high','medium','low']::finding_severity[], ${findings.severity})`,
      desc(findings.lastSeenAt),
      asc(findings.id),
    )
    .limit(500);
}

export async function getFinding(db: DbOrTx, id: string) {
  const [row] = await db.select().from(findings).where(eq(findings.id, id));
  if (!row) throw new DomainError("NOT_FOUND", "No such finding", { field: "findingId" });
  const triager = row.triagedBy
    ? ((await db.select({ name: users.name }).from(users).where(eq(users.id, row.triagedBy)))[0]?.name ??
      null)
    : null;
  return { ...row, evidence: row.evidence as Evidence, triagedByName: triager };
}

export async function saveDetectorSettings(
  db: Db,
  user: SessionUser,
  input: { detector: string; enabled: boolean; thresholds: Thresholds },
  request: RequestMeta | null = null,
): Promise<void> {
  const detector = detectorOf(input.detector);
  if (!detector) throw new DomainError("BAD_REQUEST", "No such detector", { field: "detector" });
  for (const [k, v] of Object.entries(input.thresholds)) {
    if (!Object.hasOwn(detector.defaults, k))
      throw new DomainError("BAD_REQUEST", `${detector.title} has no threshold ${k}`, {
        field: `thresholds.${k}`,
      });
    if (!Number.isFinite(v) || v < 0 || v > 100_000)
      throw new DomainError("BAD_REQUEST", `${k} must be a number from 0 to 100000`, {
        field: `thresholds.${k}`,
      });
  }
  await db.transaction(async (tx) => {
    await tx
      .insert(detectorSettings)
      .values({
        detector: detector.key,
        enabled: input.enabled,
        thresholds: input.thresholds,
        updatedBy: user.id,
      })
      .onConflictDoUpdate({
        target: detectorSettings.detector,
        set: {
          enabled: input.enabled,
          thresholds: input.thresholds,
          updatedBy: user.id,
          updatedAt: sql`now()`,
          version: sql`${detectorSettings.version} + 1`,
        },
      });
    await appendLedger(tx, {
      type: "compliance.detector.updated",
      actor: { id: user.id, name: user.name },
      subjects: [],
      payload: { detector: detector.key, enabled: input.enabled, thresholds: input.thresholds },
      request,
    });
  });
}
