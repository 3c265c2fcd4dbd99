/**
 * Slack's request signing (v0): `v0=` + hex HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`),
 * sent in X-Slack-Signature with the timestamp in X-Slack-Request-Timestamp. A request older
 * or newer than five minutes (by the database clock) is refused, so a captured one cannot be
 * sent again later; within the window, the replay guard refuses a second delivery.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_WINDOW_SECONDS = 300;

export function signChat(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export type ChatSignatureVerdict = { ok: true } | { ok: false; reason: "missing" | "stale" | "mismatch" };

export function verifyChatSignature(
  secret: string,
  headers: { timestamp: string | null; signature: string | null },
  body: string,
  nowSeconds: number,
): ChatSignatureVerdict {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "missing" };
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS)
    return { ok: false, reason: "stale" };
  const expected = Buffer.from(signChat(secret, timestamp, body));
  const given = Buffer.from(signature);
  // Same length first (timingSafeEqual requires it); the comparison itself takes constant time.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "mismatch" };
  return { ok: true };
}
