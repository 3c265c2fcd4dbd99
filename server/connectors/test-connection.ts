/**
 * "Test connection": one real attempt (connect and sign in, or a signed ping),
 * reported as one of a few fixed outcomes — reached, refused, timed out, TLS error,
 * not allowed — within five seconds. What exactly went wrong is logged on the server.
 */
import { displayOf, type WebhookConfig } from "./config";
import type { LoadedConnector } from "./connectors";
import { classify, type Failure, logDetail, OUTCOME_TEXT, TEST_TIMEOUT_MS } from "./outcome";
import { probePostgres } from "./postgres";
import { sendWebhook } from "./webhook";

export async function tryConnector(connector: LoadedConnector): Promise<{ ok: boolean; message: string }> {
  const failed = (failure: Failure) => ({ ok: false, message: OUTCOME_TEXT[failure](TEST_TIMEOUT_MS) });
  if (connector.kind === "postgres") {
    const config = connector.config;
    try {
      await probePostgres(config, TEST_TIMEOUT_MS);
      return { ok: true, message: `Reached, signed in as ${displayOf("postgres", config).user ?? "?"}` };
    } catch (error) {
      logDetail(`connector ${connector.name} test`, error);
      return failed(classify(error));
    }
  }
  const sent = await sendWebhook(
    connector.config as WebhookConfig,
    {
      body: JSON.stringify({ type: "casefile.ping", connector: connector.name }),
      idempotencyKey: crypto.randomUUID(),
    },
    TEST_TIMEOUT_MS,
  );
  if (sent.ok) return { ok: true, message: "Reached, signature accepted" };
  if (sent.status !== null) {
    console.error(`connector ${connector.name} test: answered HTTP ${sent.status}`);
    return failed("refused");
  }
  return failed(sent.failure);
}
