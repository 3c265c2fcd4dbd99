import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignature } from "../connectors/webhook";

export type Received = { key: string | null; body: string; verdict: ReturnType<typeof verifySignature> };

/**
 * A real HTTP receiver for webhook actions that checks every signature with `secret`
 * and answers each request with the next status in its plan (then 200), or hangs on 0.
 */
export function webhookReceiver(secret: string) {
  const received: Received[] = [];
  let plan: number[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const header = (name: string) => (typeof req.headers[name] === "string" ? req.headers[name] : null);
      received.push({
        key: header("idempotency-key"),
        body,
        verdict: verifySignature(
          secret,
          { signature: header("casefile-signature"), timestamp: header("casefile-timestamp") },
          body,
        ),
      });
      const status = plan.shift() ?? 200;
      if (status === 0) return; // hang: never answer
      res.writeHead(status).end();
    });
  });
  return {
    received,
    answer: (statuses: number[]) => (plan = statuses),
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/casefile`),
        ),
      ),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
