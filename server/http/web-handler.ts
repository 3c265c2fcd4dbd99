import type { IncomingMessage, ServerResponse } from "node:http";
import { stampPeer } from "./peer";
import { isTrpcRequest, serveTrpc } from "./trpc-node";

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The web server's request listener: stamp the socket peer on every request (overwriting any
 * client-sent copy), serve tRPC calls directly, hand everything else to `rest` (Next.js).
 */
export function webRequestListener(rest: Handler) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    stampPeer(req);
    const served = isTrpcRequest(req.url) ? serveTrpc(req, res) : rest(req, res);
    served.catch((error: unknown) => {
      console.error(`request failed: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
}
