/** Requests, decisions, grants, executions, and the catalogue and connectors that govern them. */
import { z } from "zod";
import { commitments, events, id, iso, json, reason, role, secondFactorProof } from "./parts";

/** Why the approver was allowed, as it stood at the decision. */
const basis = {
  approver: z.strictObject({ roles: z.array(role), clearance: z.number() }),
  policyVersion: z.number(),
  /** The people the approver stood in for by a running delegation, when any. */
  onBehalfOf: z.array(z.strictObject({ id, name: z.string() })).optional(),
};
/** An execution's state: the same fields at every step, with what the step adds. */
const execution = z.strictObject({
  actionKey: z.string(),
  params: json,
  status: z.string(),
  connector: z.string().nullable(),
  summary: z.string(),
  timelineEventId: id,
  use: z.string().optional(),
  evidenceId: id.optional(),
  sha256: z.string().optional(),
  sizeBytes: z.number().optional(),
  rowCount: z.number().optional(),
  truncated: z.boolean().optional(),
  commitments,
});
const approved = z.strictObject({
  actionKey: z.string(),
  comment: z.string(),
  paramsHashSeen: z.string(),
  narrowed: z
    .strictObject({ params: json.nullable(), minutes: z.number().nullable(), uses: z.number().nullable() })
    .nullable(),
  approvals: z.string(),
  secondFactor: secondFactorProof.nullable(),
  ...basis,
});
const refusedRun = z.strictObject({ actionKey: z.string(), reason, params: json.nullable() });
const connector = z.strictObject({
  name: z.string(),
  kind: z.string(),
  serves: z.array(z.string()),
  configReplaced: z.boolean(),
  display: z.record(z.string(), z.string()).optional(),
  by: z.literal("setup").optional(),
});

export const REQUEST_EVENTS = events({
  "request.created": {
    label: "Action requested",
    payload: z.strictObject({
      actionKey: z.string(),
      riskTier: z.string(),
      params: json,
      paramsHash: z.string(),
      description: z.string(),
      justification: z.string(),
      minutes: z.number(),
      uses: z.number(),
    }),
  },
  "request.cancelled": {
    label: "Request cancelled",
    payload: z.strictObject({ actionKey: z.string(), reason }),
  },
  "request.expired": {
    label: "Request expired",
    payload: z.strictObject({ actionKey: z.string(), requesterId: id }),
  },
  "request.approved": { label: "Request approved", payload: approved },
  "request.narrowed": { label: "Request approved, narrowed", payload: approved },
  "request.denied": {
    label: "Request denied",
    payload: z.strictObject({ actionKey: z.string(), comment: z.string(), ...basis }),
  },
  "request.decided_in_chat": {
    label: "Request decided in chat",
    payload: z.strictObject({
      channel: z.string(),
      decision: z.enum(["approve", "deny"]),
      status: z.string(),
      teamId: z.string(),
      chatUserId: z.string(),
    }),
  },
  "request.reminded": {
    label: "Approvers reminded",
    payload: z.strictObject({ actionKey: z.string(), stage: z.enum(["reminder", "escalation"]) }),
  },
  "request.escalated": {
    label: "Request escalated",
    payload: z.strictObject({ actionKey: z.string(), stage: z.enum(["reminder", "escalation"]) }),
  },
  "delegation.created": {
    label: "Approvals delegated",
    payload: z.strictObject({ fromUserId: id, toUserId: id, toName: z.string(), startsAt: iso, endsAt: iso }),
  },
  "delegation.revoked": {
    label: "Delegation revoked",
    payload: z.strictObject({ fromUserId: id, toUserId: id }),
  },
  "request.self_approval_refused": {
    label: "Self-approval refused",
    payload: z.strictObject({ actionKey: z.string().nullable(), reason }),
  },
  "request.refused_by_policy": {
    label: "Request refused by policy",
    payload: z.strictObject({ actionKey: z.string(), policyVersion: z.number(), reason }),
  },
  "request.break_glass": {
    label: "Break-glass",
    payload: z.strictObject({
      actionKey: z.string(),
      riskTier: z.string(),
      params: json,
      reason,
      minutes: z.number(),
      description: z.string(),
      secondFactor: secondFactorProof,
      policyVersion: z.number(),
    }),
  },
  "request.break_glass_refused": {
    label: "Break-glass refused",
    payload: z.strictObject({ actionKey: z.string(), reason }),
  },
  "break_glass.reviewed": {
    label: "Break-glass reviewed",
    payload: z.strictObject({ verdict: z.string(), note: z.string() }),
  },
  "grant.created": {
    label: "Grant issued",
    payload: z.strictObject({
      actionKey: z.string(),
      scope: json,
      granteeId: id,
      expiresAt: iso,
      maxUses: z.number(),
      breakGlass: z.boolean(),
      policyVersion: z.number().optional(),
    }),
  },
  "grant.revoked": {
    label: "Grant revoked",
    payload: z.strictObject({
      actionKey: z.string(),
      by: z.string(),
      reason,
      usesSpent: z.number(),
      policyVersion: z.number().optional(),
    }),
  },
  "action.queued": { label: "Action queued", payload: execution },
  "action.started": { label: "Action started", payload: execution },
  "action.succeeded": { label: "Action succeeded", payload: execution },
  "action.failed": { label: "Action failed", payload: execution },
  "action.denied_attempt": { label: "Run refused by the grant check", payload: refusedRun },
  "action.not_runnable": { label: "Run refused: not runnable", payload: refusedRun },
  "catalogue.action_type.created": {
    label: "Action type added to the catalogue",
    payload: z.strictObject({
      key: z.string(),
      title: z.string(),
      description: z.string(),
      riskTier: z.string(),
      approvalsRequired: z.number(),
      approverRoles: z.array(role),
      minClearance: z.number(),
      maxDurationMinutes: z.number(),
      maxUses: z.number(),
      businessHours: z.boolean(),
      breakGlassAllowed: z.boolean(),
      excludeCaseGrantees: z.boolean(),
      executorStepUp: z.boolean(),
      breakGlassPerDay: z.number(),
      breakGlassMinutesPerDay: z.number(),
      breakGlassMaxUnreviewed: z.number(),
    }),
  },
  "admin.action_type.updated": {
    label: "Action type changed",
    payload: z.strictObject({
      key: z.string(),
      version: z.number(),
      changes: json,
      killSwitch: z.strictObject({ refused: z.number(), revoked: z.number() }).optional(),
    }),
  },
  "admin.connector.created": { label: "Connector added", payload: connector },
  "admin.connector.updated": { label: "Connector changed", payload: connector },
  "admin.connector.tested": {
    label: "Connector tested",
    payload: z.strictObject({ name: z.string(), ok: z.boolean(), message: z.string() }),
  },
});
