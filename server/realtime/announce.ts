import { postGuarded } from "../connectors/http-post";
import { env } from "../env";

/**
 * Tells a Slack-compatible incoming webhook (CASEFILE_NOTIFY_WEBHOOK_URL) about a step,
 * after it committed. Best effort: the ledger, not this message, is the record, so a
 * failure is logged and never undoes or delays the step. Messages name ids and keys only.
 * The target is checked like a connector's (internal addresses need CASEFILE_CONNECTOR_ALLOW).
 */
export function announce(text: string): void {
  const url = env().CASEFILE_NOTIFY_WEBHOOK_URL;
  if (!url) return;
  void postGuarded(url, {
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text }),
    timeoutMs: 5_000,
  })
    .then((status) => {
      if (status < 200 || status >= 300) console.error(`notify webhook answered ${status}`);
    })
    .catch((error: unknown) => console.error(`notify webhook failed: ${String(error)}`));
}
