/**
 * The one way Casefile POSTs to a URL an admin or operator configured (webhook
 * connectors, the notification webhook): the address is checked where the socket
 * connects (see ./egress.ts), redirects are not followed, and the whole exchange
 * has a deadline.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { assertLiteralPermitted, guardedLookup } from "./egress";

export class PostTimeout extends Error {
  readonly code = "ETIMEDOUT";
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs / 1000} s`);
    this.name = "TimeoutError";
  }
}

/** Resolves with the HTTP status once the answer's headers arrive (its body is discarded). */
export function postGuarded(
  url: string,
  message: { headers: Record<string, string>; body: string; timeoutMs: number },
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
      if (target.protocol !== "http:" && target.protocol !== "https:")
        throw new Error(`${target.protocol} is not http(s)`);
      assertLiteralPermitted(target.hostname);
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(target, {
      method: "POST",
      headers: { ...message.headers, "content-length": String(Buffer.byteLength(message.body)) },
      lookup: guardedLookup,
      agent: false, // a fresh connection each time: nothing pooled outlives the check
    });
    const timer = setTimeout(() => req.destroy(new PostTimeout(message.timeoutMs)), message.timeoutMs);
    req.on("response", (response) => {
      clearTimeout(timer);
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(message.body);
  });
}
