import { createHash, randomBytes } from "node:crypto";

/** Every token starts so, which lets secret scanners and people recognise one. */
export const TOKEN_PREFIX = "cf_";
const SHOWN_CHARS = 10;

/** A new token: 256 random bits; only its hash and first characters are stored. */
export function newTokenSecret(): { token: string; prefix: string; hash: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, prefix: token.slice(0, SHOWN_CHARS), hash: hashToken(token) };
}

/**
 * SHA-256 is the right hash here (unlike passwords): the secret has full entropy, so there is
 * nothing to guess, and the lookup by hash compares no secret byte by byte in our code.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Whether the text has the shape of one of our tokens (checked before any database lookup). */
export function looksLikeToken(value: string): boolean {
  return /^cf_[A-Za-z0-9_-]{43}$/.test(value);
}
