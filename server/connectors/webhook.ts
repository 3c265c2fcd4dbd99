/**
 * Webhook delivery and its signature. A receiver checks, in this order: the
 * timestamp is within five minutes, and the signature is
 * `v1=` + hex(HMAC-SHA256(secret, timestamp + "." + body)) compared in constant
 * time. `Idempotency-Key` (the execution's id) is the same on every retry.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookConfig } from "./config";

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

export type Delivery = { ok: true; status: number } | { ok: false; status: number | null; error: string };

export async function sendWebhook(
  config: WebhookConfig,
  message: { body: string; idempotencyKey: string },
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<Delivery> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  try {
    const response = await fetch(config.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Casefile-Webhook/1",
        "idempotency-key": message.idempotencyKey,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signature(config.secret, timestamp, message.body),
      },
      body: message.body,
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return { ok: true, status: response.status };
    return { ok: false, status: response.status, error: `The endpoint answered HTTP ${response.status}` };
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError")
      return { ok: false, status: null, error: `No answer within ${timeoutMs / 1000} s` };
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return { ok: false, status: null, error: `Could not reach the endpoint: ${cause}` };
  }
}
