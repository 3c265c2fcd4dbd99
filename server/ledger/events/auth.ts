/** Sign-in, sessions, second factors and accounts changed by their owner or the identity provider. */
import { z } from "zod";
import { events, id, iso, reason, role } from "./parts";

const lockout = z.strictObject({ scope: z.string(), retryAfterSeconds: z.number() });
const signIn = z.strictObject({
  method: z.string(),
  sessionId: id,
  amr: z.array(z.string()).optional(),
  groups: z.array(z.string()).optional(),
  roles: z.array(role).optional(),
});
const clearance = z.number().nullable();

export const AUTH_EVENTS = events({
  "auth.sign_in": { label: "Signed in", payload: signIn },
  "auth.sign_in_awaiting_second_factor": { label: "Signed in, second factor pending", payload: signIn },
  "auth.sign_in_failed": {
    label: "Sign-in refused",
    payload: z.strictObject({
      reason,
      method: z.string().optional(),
      email: z.string().nullable().optional(),
      claim: z.string().optional(),
      size: z.number().optional(),
      issuer: z.string().optional(),
      subject: z.string().optional(),
      groups: z.array(z.string()).optional(),
    }),
  },
  "auth.sign_in_locked": {
    label: "Sign-in refused: locked",
    payload: z.strictObject({ email: z.string(), ...lockout.shape }),
  },
  "auth.lockout_started": {
    label: "Lockout started",
    payload: z.strictObject({ email: z.string(), scope: z.string(), minutes: z.number() }),
  },
  "auth.sign_out": { label: "Signed out", payload: z.strictObject({ sessionId: id }) },
  "auth.sessions_signed_out": {
    label: "Sessions signed out",
    payload: z.strictObject({ count: z.number(), reason: z.string().optional() }),
  },
  "auth.second_factor_enrolled": {
    label: "Second factor enrolled",
    payload: z.strictObject({
      method: z.string(),
      recoveryCodes: z.number(),
      replaced: z.boolean(),
      sessionsEnded: z.number(),
    }),
  },
  "auth.second_factor_failed": {
    label: "Second factor refused",
    payload: z.strictObject({ during: z.string() }),
  },
  "auth.step_up": { label: "Stepped up", payload: z.strictObject({ method: z.string(), sessionId: id }) },
  "auth.step_up_locked": { label: "Step-up refused: locked", payload: lockout },
  "auth.sudo": { label: "Confirmed identity", payload: z.strictObject({ sessionId: id, with: z.string() }) },
  "auth.sudo_failed": {
    label: "Identity confirmation refused",
    payload: z.strictObject({ reason, sessionId: id }),
  },
  "auth.sudo_locked": { label: "Identity confirmation refused: locked", payload: lockout },
  "auth.notice_dismissed": {
    label: "Security notice dismissed",
    payload: z.strictObject({ kind: z.string() }),
  },
  "auth.invitation_accepted": {
    label: "Invitation accepted",
    payload: z.strictObject({ email: z.string(), invitationId: id }),
  },
  "user.provisioned": {
    label: "Account provisioned",
    payload: z.strictObject({
      email: z.string(),
      source: z.string(),
      issuer: z.string(),
      subject: z.string(),
      clearance,
    }),
  },
  "user.identity_linked": {
    label: "Identity linked",
    payload: z.strictObject({ email: z.string(), issuer: z.string(), subject: z.string() }),
  },
  "user.clearance_changed": {
    label: "Clearance changed",
    payload: z.strictObject({ email: z.string(), from: clearance, to: clearance, source: z.string() }),
  },
  "user.team_changed": {
    label: "Team changed",
    payload: z.strictObject({ email: z.string(), from: z.string().nullable(), to: z.string().nullable() }),
  },
  "user.role_granted": {
    label: "Role granted",
    payload: z.strictObject({ email: z.string(), role, source: z.string() }),
  },
  "user.role_revoked": {
    label: "Role revoked",
    payload: z.strictObject({ email: z.string(), role, source: z.string() }),
  },
  "token.created": {
    label: "API token created",
    payload: z.strictObject({
      kind: z.enum(["personal", "service"]),
      name: z.string(),
      prefix: z.string(),
      scopes: z.array(z.string()),
      sourceCidrs: z.array(z.string()),
      expiresAt: iso,
      owner: id,
    }),
  },
  "token.used_from_new_address": {
    label: "API token used from a new address",
    payload: z.strictObject({ prefix: z.string(), ip: z.string() }),
  },
  "token.revoked": {
    label: "API token revoked",
    payload: z.strictObject({ prefix: z.string(), name: z.string() }),
  },
  "notification.preferences_changed": {
    label: "Notification preferences changed",
    payload: z.strictObject({
      emailMode: z.enum(["immediate", "digest", "off"]),
      muted: z.array(z.string()),
    }),
  },
  "chat.link_confirmed": {
    label: "Chat account linked",
    payload: z.strictObject({ teamId: z.string(), chatUserId: z.string(), chatUserName: z.string() }),
  },
  "chat.link_removed": {
    label: "Chat account unlinked",
    payload: z.strictObject({ teamId: z.string(), chatUserId: z.string() }),
  },
});

export const ADMIN_EVENTS = events({
  "admin.user.created": {
    label: "Account created",
    payload: z.strictObject({
      email: z.string(),
      name: z.string(),
      clearance: z.number(),
      serviceAccount: z.boolean(),
    }),
  },
  "admin.user.invited": {
    label: "Invitation sent",
    payload: z.strictObject({ email: z.string(), invitationId: id, expiresAt: iso }),
  },
  "admin.user.disabled": { label: "Account disabled", payload: z.strictObject({ email: z.string() }) },
  "admin.user.enabled": { label: "Account enabled", payload: z.strictObject({ email: z.string() }) },
  "admin.user.second_factor_reset": {
    label: "Second factor reset",
    payload: z.strictObject({ email: z.string(), sessionsEnded: z.number() }),
  },
});
