import { env } from "../env";

/**
 * Tells a Slack-compatible incoming webhook (CASEFILE_NOTIFY_WEBHOOK_URL) about a step,
 * after it committed. Best effort: the ledger, not this message, is the record, so a
 * failure is logged and never undoes or delays the step. Messages name ids and keys only.
 */
export function announce(text: string): void {
  const url = env().CASEFILE_NOTIFY_WEBHOOK_URL;
  if (!url) return;
  void fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(5_000),
  })
    .then((response) => {
      if (!response.ok) console.error(`notify webhook answered ${response.status}`);
    })
    .catch((error: unknown) => console.error(`notify webhook failed: ${String(error)}`));
}
