import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { normaliseAddress } from "../http/client-address";
import type { ApiHandler } from "./handler";

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: "half",
  } as RequestInit);
}

/**
 * Serves the REST API over plain node:http (the client address is the socket's): what tests and
 * the CLI's tests talk to, with the same handler the Next.js route uses.
 */
export async function serveApi(handler: ApiHandler, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const origin = `http://${req.headers.host ?? "localhost"}`;
    const ip = normaliseAddress(req.socket.remoteAddress);
    handler(toRequest(req, origin), {
      requestId: crypto.randomUUID(),
      ip,
      userAgent: req.headers["user-agent"] ?? null,
    })
      .then(async (response) => {
        const headers = Object.fromEntries(response.headers);
        // A body left unread (refused as too large) ends the connection rather than poisoning it.
        if (!req.complete) headers.connection = "close";
        res.writeHead(response.status, headers);
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => {
        res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${bound}/api/v1` };
}
