/**
 * How each ledger event type reads in a SIEM: its OCSF API Activity (create, read, update, delete,
 * other), whether it records a refused or failed operation (not a decision: a denial is a
 * success of the approval process), and its severity. Keyed by every event type: a new type
 * fails to typecheck until it is mapped here.
 */
import type { LedgerEventType } from "../ledger/events";

export type SiemActivity = "create" | "read" | "update" | "delete" | "other";

export type SiemMapping = {
  activity: SiemActivity;
  /** The entry records something refused or gone wrong. */
  failure?: true;
  /** Above the default: "high" for break-glass. Refusals and failures are "medium" unless said. */
  severity?: "high";
};

export const SIEM_MAPPING = {
  "auth.sign_in": { activity: "other" },
  "auth.sign_in_awaiting_second_factor": { activity: "other" },
  "auth.sign_in_failed": { activity: "update", failure: true },
  "auth.sign_in_locked": { activity: "other", failure: true },
  "auth.lockout_started": { activity: "create" },
  "auth.sign_out": { activity: "other" },
  "auth.sessions_signed_out": { activity: "delete" },
  "auth.second_factor_enrolled": { activity: "create" },
  "auth.second_factor_failed": { activity: "update", failure: true },
  "auth.step_up": { activity: "other" },
  "auth.step_up_locked": { activity: "other", failure: true },
  "auth.sudo": { activity: "other" },
  "auth.sudo_failed": { activity: "update", failure: true },
  "auth.sudo_locked": { activity: "other", failure: true },
  "auth.notice_dismissed": { activity: "update" },
  "auth.invitation_accepted": { activity: "update" },
  "token.created": { activity: "create" },
  "token.used_from_new_address": { activity: "other" },
  "token.revoked": { activity: "delete" },
  "user.provisioned": { activity: "create" },
  "user.identity_linked": { activity: "update" },
  "user.clearance_changed": { activity: "update" },
  "user.team_changed": { activity: "update" },
  "user.role_granted": { activity: "create" },
  "user.role_revoked": { activity: "delete" },
  "notification.preferences_changed": { activity: "update" },
  "chat.link_confirmed": { activity: "create" },
  "chat.link_removed": { activity: "delete" },
  "admin.user.created": { activity: "create" },
  "admin.user.invited": { activity: "create" },
  "admin.user.disabled": { activity: "update" },
  "admin.user.enabled": { activity: "update" },
  "admin.user.second_factor_reset": { activity: "update" },
  "case.created": { activity: "create" },
  "case.updated": { activity: "update" },
  "case.status_changed": { activity: "update" },
  "case.member_added": { activity: "create" },
  "case.member_changed": { activity: "update" },
  "case.member_removed": { activity: "delete" },
  "case.access_requested": { activity: "create" },
  "case.access_answered": { activity: "update" },
  "entity.added": { activity: "create" },
  "entity.updated": { activity: "update" },
  "timeline.event_added": { activity: "create" },
  "timeline.event_starred": { activity: "update" },
  "timeline.event_unstarred": { activity: "update" },
  "timeline.imported": { activity: "create" },
  "alert.taken_in": { activity: "create" },
  "note.added": { activity: "create" },
  "evidence.registered": { activity: "create" },
  "evidence.collected": { activity: "create" },
  "evidence.custody": { activity: "read" },
  "evidence.exported": { activity: "read" },
  "request.created": { activity: "create" },
  "request.cancelled": { activity: "update" },
  "request.expired": { activity: "update" },
  "request.approved": { activity: "update" },
  "request.narrowed": { activity: "update" },
  "request.denied": { activity: "update" },
  "request.decided_in_chat": { activity: "update" },
  "request.reminded": { activity: "other" },
  "request.escalated": { activity: "update" },
  "delegation.created": { activity: "create" },
  "delegation.revoked": { activity: "delete" },
  "request.self_approval_refused": { activity: "other", failure: true },
  "request.refused_by_policy": { activity: "other" },
  "request.break_glass": { activity: "create", severity: "high" },
  "request.break_glass_refused": { activity: "other", failure: true, severity: "high" },
  "break_glass.reviewed": { activity: "update", severity: "high" },
  "grant.created": { activity: "create" },
  "grant.revoked": { activity: "delete" },
  "action.queued": { activity: "create" },
  "action.started": { activity: "create" },
  "action.succeeded": { activity: "update" },
  "action.failed": { activity: "update", failure: true },
  "action.denied_attempt": { activity: "other", failure: true },
  "action.not_runnable": { activity: "other", failure: true },
  "catalogue.action_type.created": { activity: "create" },
  "admin.action_type.updated": { activity: "update" },
  "admin.connector.created": { activity: "create" },
  "admin.connector.updated": { activity: "update" },
  "admin.connector.tested": { activity: "read" },
  "finding.opened": { activity: "create" },
  "finding.reopened": { activity: "update" },
  "finding.triaged": { activity: "update" },
  "compliance.detector.updated": { activity: "update" },
  "review_campaign.opened": { activity: "create" },
  "review_campaign.attested": { activity: "create" },
  "review_campaign.attestation_changed": { activity: "update" },
  "review_campaign.closed": { activity: "update" },
  "report.generated": { activity: "read" },
  "ledger.verified": { activity: "other" },
  "demo.history_seeded": { activity: "other" },
} satisfies Record<LedgerEventType, SiemMapping>;

/** The mapping of a type; a type this version does not know (an entry of an older one) is "other". */
export function siemMappingOf(type: string): SiemMapping {
  return Object.hasOwn(SIEM_MAPPING, type) ? SIEM_MAPPING[type as LedgerEventType] : { activity: "other" };
}
