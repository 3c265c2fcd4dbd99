/**
 * Webhook delivery and its signature. A receiver checks, in this order: the
 * timestamp is within five minutes, and the signature is
 * `v1=` + hex(HMAC-SHA256(secret, timestamp + "." + body)) compared in constant
 * time. `Idempotency-Key` (the execution's id) is the same on every retry.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookConfig } from "./config";
import { postGuarded } from "./http-post";
import { classify, type Failure, logDetail, OUTCOME_TEXT } from "./outcome";

export const SIGNATURE_HEADER = "casefile-signature";
export const TIMESTAMP_HEADER = "casefile-timestamp";
export const TOLERANCE_SECONDS = 300;
/** A receiver that has not answered by then has failed this attempt. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export function signature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** The reference check a receiver performs (also used by Casefile's tests). */
export function verifySignature(
  secret: string,
  headers: { signature: string | null; timestamp: string | null },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): { ok: true } | { ok: false; reason: string } {
  if (!headers.timestamp || !/^\d{1,12}$/.test(headers.timestamp))
    return { ok: false, reason: "missing timestamp" };
  if (Math.abs(nowSeconds - Number(headers.timestamp)) > TOLERANCE_SECONDS)
    return { ok: false, reason: "timestamp outside the tolerance" };
  const expected = Buffer.from(signature(secret, headers.timestamp, body));
  const presented = Buffer.from(headers.signature ?? "");
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
    return { ok: false, reason: "bad signature" };
  return { ok: true };
}

export type Delivery =
  | { ok: true; status: number }
  | { ok: false; status: number; error: string }
  | { ok: false; status: null; failure: Failure; error: string };

export async function sendWebhook(
  config: WebhookConfig,
  message: { body: string; idempotencyKey: string },
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<Delivery> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  try {
    const status = await postGuarded(config.url, {
      headers: {
        "content-type": "application/json",
        "user-agent": "Casefile-Webhook/1",
        "idempotency-key": message.idempotencyKey,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signature(config.secret, timestamp, message.body),
      },
      body: message.body,
      timeoutMs,
    });
    if (status >= 200 && status < 300) return { ok: true, status };
    return { ok: false, status, error: `The endpoint answered HTTP ${status}` };
  } catch (error) {
    logDetail(`webhook to ${new URL(config.url).origin}`, error);
    const failure = classify(error);
    return { ok: false, status: null, failure, error: OUTCOME_TEXT[failure](timeoutMs) };
  }
}
