/**
 * What a connection attempt is reported as: a few fixed outcomes in words. The
 * far side's own error text, addresses and ports go to the server log only, so
 * trying connections does not map a network or echo another system's messages.
 */
export type Failure = "refused" | "timeout" | "tls" | "not-allowed";

/** How long "Test connection" waits for any answer. */
export const TEST_TIMEOUT_MS = 5_000;

export const OUTCOME_TEXT: Record<Failure, (timeoutMs: number) => string> = {
  refused: () => "Refused",
  timeout: (ms) => `Timed out after ${ms / 1000} s`,
  tls: () => "TLS error",
  "not-allowed": () => "Not allowed: an internal address (see CASEFILE_CONNECTOR_ALLOW)",
};

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|HOSTNAME_MISMATCH)/;

/** The outcome an error from a connection attempt stands for. */
export function classify(error: unknown): Failure {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const name = error instanceof Error ? error.name : "";
  if (code === "EADDRNOTALLOWED") return "not-allowed";
  if (code === "ETIMEDOUT" || code === "CONNECT_TIMEOUT" || name === "TimeoutError" || name === "AbortError")
    return "timeout";
  if (typeof code === "string" && TLS_CODES.test(code)) return "tls";
  if (error instanceof Error && /\b(SSL|TLS)\b/.test(error.message) && code !== "28000") return "tls";
  return "refused";
}

/** Logs the detail of a failed attempt for the operator. */
export function logDetail(what: string, error: unknown): void {
  console.error(`${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
}
