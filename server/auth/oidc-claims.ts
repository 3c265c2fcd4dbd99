/**
 * Reading an ID token's claims before anything is stored: every claim is bounded (an
 * oversized one is refused, never truncated into a different identity), and the email is
 * normalised (NFKC, lower case) and refused when it holds characters that could pass for
 * others (invisible, bidirectional, look-alike letters from other scripts).
 */

import { storable } from "../storable-text";

/** Most a claim may hold. Generous for real providers, small enough for the ledger and the session cookie. */
export const CLAIM_LIMITS = {
  iss: 255,
  sub: 255,
  email: 320,
  name: 200,
  groups: 200,
  group: 256,
  amr: 16,
  amrValue: 64,
} as const;

export type Claims = {
  issuer: string;
  subject: string;
  /** Normalised; null when absent or unusable (see `emailUnusable`). */
  email: string | null;
  emailUnusable: boolean;
  /** Only `email_verified: true` counts; false or absent does not. */
  emailVerified: boolean;
  name: string | null;
  groups: string[];
  amr: string[];
};

export type ClaimsReading =
  | { ok: true; claims: Claims }
  | { ok: false; reason: "bad_claims" | "claims_too_large"; claim: string; size: number };

// Claims name database rows: text no column can hold is replaced, so it matches nothing instead of failing.
const text = (v: unknown): string | null => (typeof v === "string" && v.trim() ? storable(v.trim()) : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

// Printable ASCII only, in the shape of an address: anything else could be mistaken for another address.
const EMAIL =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** NFKC and lower case; null when the result is not a plain ASCII address. */
export function normaliseEmail(value: string): string | null {
  const email = value.normalize("NFKC").trim().toLowerCase();
  return email.length <= CLAIM_LIMITS.email && EMAIL.test(email) ? email : null;
}

export function readClaims(raw: Record<string, unknown>, groupsClaim: string): ClaimsReading {
  const tooLarge = (claim: string, size: number) =>
    ({ ok: false, reason: "claims_too_large", claim, size }) as const;
  const rawGroups = list(raw[groupsClaim]);
  const rawAmr = list(raw.amr);
  const sizes: [string, unknown, number][] = [
    ["iss", raw.iss, CLAIM_LIMITS.iss],
    ["sub", raw.sub, CLAIM_LIMITS.sub],
    ["email", raw.email, CLAIM_LIMITS.email],
    ["name", raw.name, CLAIM_LIMITS.name],
  ];
  for (const [claim, value, limit] of sizes) {
    if (typeof value === "string" && value.length > limit) return tooLarge(claim, value.length);
  }
  if (rawGroups.length > CLAIM_LIMITS.groups) return tooLarge(groupsClaim, rawGroups.length);
  if (rawGroups.some((g) => typeof g === "string" && g.length > CLAIM_LIMITS.group)) {
    return tooLarge(groupsClaim, Math.max(...rawGroups.map((g) => (typeof g === "string" ? g.length : 0))));
  }
  if (rawAmr.length > CLAIM_LIMITS.amr) return tooLarge("amr", rawAmr.length);
  if (rawAmr.some((a) => typeof a === "string" && a.length > CLAIM_LIMITS.amrValue))
    return tooLarge("amr", 0);

  const issuer = text(raw.iss);
  const subject = text(raw.sub);
  if (!issuer) return { ok: false, reason: "bad_claims", claim: "iss", size: 0 };
  if (!subject) return { ok: false, reason: "bad_claims", claim: "sub", size: 0 };
  const rawEmail = text(raw.email);
  const email = rawEmail ? normaliseEmail(rawEmail) : null;
  return {
    ok: true,
    claims: {
      issuer,
      subject,
      email,
      emailUnusable: rawEmail !== null && email === null,
      emailVerified: raw.email_verified === true,
      name: text(raw.name),
      groups: rawGroups.filter((g): g is string => typeof g === "string"),
      amr: rawAmr.filter((a): a is string => typeof a === "string"),
    },
  };
}
