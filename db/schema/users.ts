import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { ROLES } from "../../server/shared/constants";

export { ROLES, type Role } from "../../server/shared/constants";

export const roleEnum = pgEnum("role", ROLES);

const tstz = () => timestamp({ withTimezone: true });

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Stored lower-case; one account is one person. */
    email: text().notNull().unique(),
    name: text().notNull(),
    /** argon2id PHC string; null for accounts that cannot sign in with a password. */
    passwordHash: text(),
    /** 1 (lowest) to 4 (highest); compared with an action's risk tier. */
    clearance: smallint().notNull().default(1),
    disabledAt: tstz(),
    /** The team the person works in (free text, e.g. "Incident response"); compliance figures filter by it. */
    team: text(),
    /** IANA time zone the person works in; null: the organisation's (CASEFILE_TIMEZONE). */
    timeZone: text(),
    createdAt: tstz().notNull().defaultNow(),
    /** RFC 6238 secret (base32) once enrolment is confirmed; the pending one until then. */
    totpSecret: text(),
    totpPendingSecret: text(),
    totpEnabledAt: tstz(),
    /** The last time step accepted: a code is good once. */
    totpLastStep: bigint({ mode: "number" }),
    /**
     * Used by a system, not a person: the one exception to "an account is one person"; such an
     * account may hold neither the approver nor the admin role, and approves nothing.
     */
    serviceAccount: boolean().notNull().default(false),
    /** The single sign-on identity (OIDC `iss` + `sub`) this account is linked to, once it has signed in so. */
    oidcIssuer: text(),
    oidcSubject: text(),
    /** When an admin reset the second factor: the person sets one up again before anything else. */
    secondFactorResetAt: tstz(),
  },
  (t) => [
    check("users_email_lower", sql`${t.email} = lower(${t.email})`),
    check("users_clearance_range", sql`${t.clearance} between 1 and 4`),
    check("users_oidc_pair", sql`(${t.oidcIssuer} is null) = (${t.oidcSubject} is null)`),
    uniqueIndex("users_oidc_identity_idx").on(t.oidcIssuer, t.oidcSubject),
  ],
);

export const userRoles = pgTable(
  "user_roles",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum().notNull(),
    grantedAt: tstz().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] })],
);

/**
 * Server-side record of every signed-in session. The session cookie only names
 * a row here, so signing out, disabling a user or expiry take effect on the
 * next request.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: tstz().notNull().defaultNow(),
    expiresAt: tstz().notNull(),
    revokedAt: tstz(),
    /** Last request seen; a session idle longer than the idle timeout ends. */
    lastSeenAt: tstz().notNull().defaultNow(),
    /** When and how this session last proved a second factor (sign-in or step-up). */
    secondFactorAt: tstz(),
    secondFactorMethod: text(),
    /**
     * Opened by single sign-on for someone enrolled in TOTP whose identity provider asserted no
     * MFA: the session counts for nothing until the code is given at sign-in.
     */
    secondFactorPending: boolean().notNull().default(false),
    /** How the session was opened: `password` or `sso` (a fresh single sign-on stands in for the password in sudo mode). */
    signedInWith: text().notNull().default("password"),
    /** When the person last re-authenticated in this session for a sensitive change (sudo mode). */
    sudoAt: tstz(),
    ip: text(),
    userAgent: text(),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

/** Failed sign-in attempts, by account and by address, for temporary lockout. */
export const signInFailures = pgTable(
  "sign_in_failures",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** `account:<email>` or `ip:<address>`. */
    key: text().notNull(),
    at: tstz().notNull().defaultNow(),
  },
  (t) => [index("sign_in_failures_key_idx").on(t.key, t.at)],
);

/** One-time recovery codes, stored as SHA-256 hashes. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text().notNull(),
    usedAt: tstz(),
  },
  (t) => [index("recovery_codes_user_idx").on(t.userId)],
);

/**
 * One-time links that let a newly created person choose their password. Only a SHA-256 of the
 * token is kept; the link is shown once, to the admin who created it.
 */
export const userInvitations = pgTable(
  "user_invitations",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text().notNull().unique(),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: tstz().notNull().defaultNow(),
    expiresAt: tstz().notNull(),
    usedAt: tstz(),
  },
  (t) => [index("user_invitations_user_idx").on(t.userId)],
);

/**
 * Security notices a person sees at their next sign-in (their second factor was changed or
 * reset), until they dismiss them.
 */
export const securityNotices = pgTable(
  "security_notices",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** `second_factor_changed` or `second_factor_reset`. */
    kind: text().notNull(),
    at: tstz().notNull().defaultNow(),
    /** Where the change came from. */
    ip: text(),
    userAgent: text(),
    /** Who made it, when not the person (an admin's name). */
    byName: text(),
    dismissedAt: tstz(),
  },
  (t) => [index("security_notices_user_idx").on(t.userId)],
);
