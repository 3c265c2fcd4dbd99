import { and, asc, eq, gte, lt, type SQL } from "drizzle-orm";
import { alias, type PgColumn } from "drizzle-orm/pg-core";
import type { Tx } from "@/db/client";
import { actionRequests, actionTypes, approvals, cases, executions, grants, users } from "@/db/schema";
import { type CsvCell, writeCsv } from "../csv";
import type { ReportScope } from "./scope";

/**
 * One CSV per kind of record, each with a fixed column order: a spreadsheet or a
 * script can rely on the header. Rows are in time order, then id, so the same scope
 * over the same data gives the same bytes. Times are UTC ISO 8601. People open these in
 * spreadsheets, so they go through the guarded writer: no typed text runs as a formula.
 */
export const CSV_KINDS = ["requests", "decisions", "grants", "executions"] as const;
export type CsvKind = (typeof CSV_KINDS)[number];

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Rows of one table whose time column falls in the period, or whose case is the case. */
function inScope(scope: ReportScope, at: PgColumn, caseId: PgColumn): SQL | undefined {
  return scope.kind === "period" ? and(gte(at, scope.from), lt(at, scope.to)) : eq(caseId, scope.caseId);
}

const requester = alias(users, "requester");
const approver = alias(users, "approver");
const grantee = alias(users, "grantee");
const revoker = alias(users, "revoker");
const executor = alias(users, "executor");

async function requestRows(tx: Tx, scope: ReportScope): Promise<CsvCell[][]> {
  const rows = await tx
    .select({ r: actionRequests, caseKey: cases.key, risk: actionTypes.riskTier, email: requester.email })
    .from(actionRequests)
    .innerJoin(cases, eq(cases.id, actionRequests.caseId))
    .innerJoin(actionTypes, eq(actionTypes.key, actionRequests.actionKey))
    .innerJoin(requester, eq(requester.id, actionRequests.requesterId))
    .where(inScope(scope, actionRequests.createdAt, actionRequests.caseId))
    .orderBy(asc(actionRequests.createdAt), asc(actionRequests.id));
  return rows.map(({ r, caseKey, risk, email }) => [
    r.id,
    caseKey,
    r.actionKey,
    risk,
    r.status,
    r.breakGlass,
    r.requesterId,
    email,
    iso(r.createdAt),
    iso(r.expiresAt),
    iso(r.decidedAt),
    r.requestedMinutes,
    r.requestedUses,
    r.paramsHash,
    r.justification,
    r.outcomeNote,
  ]);
}

async function decisionRows(tx: Tx, scope: ReportScope): Promise<CsvCell[][]> {
  const rows = await tx
    .select({ a: approvals, caseKey: cases.key, action: actionRequests.actionKey, email: approver.email })
    .from(approvals)
    .innerJoin(actionRequests, eq(actionRequests.id, approvals.requestId))
    .innerJoin(cases, eq(cases.id, actionRequests.caseId))
    .innerJoin(approver, eq(approver.id, approvals.approverId))
    .where(inScope(scope, approvals.createdAt, actionRequests.caseId))
    .orderBy(asc(approvals.createdAt), asc(approvals.id));
  return rows.map(({ a, caseKey, action, email }) => [
    a.id,
    a.requestId,
    caseKey,
    action,
    a.decision,
    a.approverId,
    email,
    iso(a.createdAt),
    a.comment,
    a.narrowedParams === null ? null : JSON.stringify(a.narrowedParams),
    a.narrowedMinutes,
    a.narrowedUses,
    a.paramsHashSeen,
    iso(a.stepUpAt),
    a.stepUpMethod,
    a.approverRoles === null ? null : a.approverRoles.join(" "),
    a.approverClearance,
    a.policyVersion,
  ]);
}

async function grantRows(tx: Tx, scope: ReportScope): Promise<CsvCell[][]> {
  const rows = await tx
    .select({ g: grants, caseKey: cases.key, email: grantee.email, revokedByEmail: revoker.email })
    .from(grants)
    .innerJoin(cases, eq(cases.id, grants.caseId))
    .innerJoin(grantee, eq(grantee.id, grants.granteeId))
    .leftJoin(revoker, eq(revoker.id, grants.revokedBy))
    .where(inScope(scope, grants.createdAt, grants.caseId))
    .orderBy(asc(grants.createdAt), asc(grants.id));
  return rows.map(({ g, caseKey, email, revokedByEmail }) => [
    g.id,
    g.requestId,
    caseKey,
    g.actionKey,
    g.granteeId,
    email,
    iso(g.createdAt),
    iso(g.notBefore),
    iso(g.expiresAt),
    g.maxUses,
    g.uses,
    g.breakGlass,
    iso(g.revokedAt),
    revokedByEmail,
    g.revokeReason,
    JSON.stringify(g.scope),
  ]);
}

async function executionRows(tx: Tx, scope: ReportScope): Promise<CsvCell[][]> {
  const rows = await tx
    .select({ e: executions, caseKey: cases.key, email: executor.email, requestId: grants.requestId })
    .from(executions)
    .innerJoin(cases, eq(cases.id, executions.caseId))
    .innerJoin(grants, eq(grants.id, executions.grantId))
    .innerJoin(executor, eq(executor.id, executions.executorId))
    .where(inScope(scope, executions.startedAt, executions.caseId))
    .orderBy(asc(executions.startedAt), asc(executions.id));
  return rows.map(({ e, caseKey, email, requestId }) => [
    e.id,
    e.grantId,
    requestId,
    caseKey,
    e.actionKey,
    e.status,
    e.executorId,
    email,
    e.connectorName,
    iso(e.startedAt),
    iso(e.finishedAt),
    e.summary,
    JSON.stringify(e.params),
  ]);
}

export const CSV_COLUMNS: Record<CsvKind, string[]> = {
  requests: [
    "request_id",
    "case_key",
    "action",
    "risk_tier",
    "status",
    "break_glass",
    "requester_id",
    "requester_email",
    "created_at",
    "expires_at",
    "decided_at",
    "requested_minutes",
    "requested_uses",
    "params_sha256",
    "justification",
    "outcome_note",
  ],
  decisions: [
    "approval_id",
    "request_id",
    "case_key",
    "action",
    "decision",
    "approver_id",
    "approver_email",
    "decided_at",
    "comment",
    "narrowed_params",
    "narrowed_minutes",
    "narrowed_uses",
    "params_sha256_seen",
    "step_up_at",
    "step_up_method",
    // Why the approver was allowed, as it stood at the decision.
    "approver_roles",
    "approver_clearance",
    "policy_version",
  ],
  grants: [
    "grant_id",
    "request_id",
    "case_key",
    "action",
    "grantee_id",
    "grantee_email",
    "created_at",
    "not_before",
    "expires_at",
    "max_uses",
    "uses",
    "break_glass",
    "revoked_at",
    "revoked_by_email",
    "revoke_reason",
    "scope",
  ],
  executions: [
    "execution_id",
    "grant_id",
    "request_id",
    "case_key",
    "action",
    "status",
    "executor_id",
    "executor_email",
    "connector",
    "started_at",
    "finished_at",
    "summary",
    "params",
  ],
};

const READERS: Record<CsvKind, (tx: Tx, scope: ReportScope) => Promise<CsvCell[][]>> = {
  requests: requestRows,
  decisions: decisionRows,
  grants: grantRows,
  executions: executionRows,
};

/** The CSV text of one kind of record in scope: header, then one line per record. */
export async function scopeCsv(
  tx: Tx,
  scope: ReportScope,
  kind: CsvKind,
): Promise<{ csv: string; rows: number }> {
  const rows = await READERS[kind](tx, scope);
  return { csv: writeCsv([CSV_COLUMNS[kind], ...rows]), rows: rows.length };
}
