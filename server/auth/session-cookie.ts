import { createDecipheriv, hkdfSync } from "node:crypto";

/**
 * Reads the session cookie next-auth issues (a JWE: "dir" key agreement, A256GCM, the key
 * derived from AUTH_SECRET with HKDF-SHA256) without next-auth's per-call key derivation:
 * the key is derived once per secret. The token only names the session row; whether the
 * session is alive is decided by the database on every request (see sessions.ts).
 */

/** The cookie's name: next-auth prefixes it with __Secure- when the app is served over https. */
export function sessionCookieName(publicUrl: string | undefined): string {
  return publicUrl?.startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

const keys = new Map<string, Buffer>();

function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
    keys.set(secret, key);
  }
  return key;
}

/** A cookie's value from a Cookie header; next-auth splits a long token over name.0, name.1, … */
export function cookieValue(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  const chunks = new Map<number, string>();
  let whole: string | null = null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    if (key === name) whole = part.slice(eq + 1).trim();
    else if (key.startsWith(`${name}.`)) {
      const index = Number(key.slice(name.length + 1));
      if (Number.isInteger(index) && index >= 0 && index < 16) chunks.set(index, part.slice(eq + 1).trim());
    }
  }
  if (whole !== null) return whole;
  if (!chunks.size) return null;
  let joined = "";
  for (let i = 0; chunks.has(i); i++) joined += chunks.get(i) ?? "";
  return joined || null;
}

/** Seconds next-auth allows between the token's expiry and the clock. */
const CLOCK_TOLERANCE = 15;

/**
 * The session id a valid, unexpired token names, or null for anything else (tampered,
 * foreign key, expired, malformed).
 */
export function sessionIdFromToken(token: string, secret: string, now = Date.now() / 1000): string | null {
  const parts = token.split(".");
  if (parts.length !== 5) return null;
  const [protectedHeader = "", encryptedKey, iv = "", ciphertext = "", tag = ""] = parts;
  if (encryptedKey !== "") return null;
  try {
    const header = JSON.parse(Buffer.from(protectedHeader, "base64url").toString("utf8")) as unknown;
    if (!isRecord(header) || header.alg !== "dir" || header.enc !== "A256GCM") return null;
    const ivBytes = Buffer.from(iv, "base64url");
    const tagBytes = Buffer.from(tag, "base64url");
    if (ivBytes.length !== 12 || tagBytes.length !== 16) return null;
    const decipher = createDecipheriv("aes-256-gcm", keyFor(secret), ivBytes, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(protectedHeader, "ascii"));
    decipher.setAuthTag(tagBytes);
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]);
    const payload = JSON.parse(plain.toString("utf8")) as unknown;
    if (!isRecord(payload)) return null;
    if (typeof payload.exp !== "number" || payload.exp + CLOCK_TOLERANCE <= now) return null;
    if (typeof payload.nbf === "number" && payload.nbf - CLOCK_TOLERANCE > now) return null;
    return typeof payload.sid === "string" ? payload.sid : null;
  } catch {
    // A wrong key or edited bytes fail the GCM tag; bad base64 or JSON fail parsing.
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
