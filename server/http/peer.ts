import type { IncomingMessage } from "node:http";
import type { HeaderReader } from "./header-reader";

/**
 * The socket peer travels from the web server to route handlers in this header. The
 * server stamps it on every request, overwriting whatever a client sent, so it is only
 * believed in a process whose server did the stamping (see server/cli/web.ts).
 */
export const PEER_HEADER = "x-casefile-peer";

const STAMPING = Symbol.for("casefile.peer-stamping");
type Marked = { [STAMPING]?: boolean };

/** Called once by the process's web server before it accepts requests. */
export function markPeerStamping(): void {
  (globalThis as Marked)[STAMPING] = true;
}

export function peerStamping(): boolean {
  return (globalThis as Marked)[STAMPING] === true;
}

/** Replaces any client-sent peer header with the address the socket came from. */
export function stampPeer(req: IncomingMessage): void {
  delete req.headers[PEER_HEADER];
  const address = req.socket.remoteAddress;
  if (address) req.headers[PEER_HEADER] = address;
}

/** The stamped peer of a request, or null where this process does not stamp it. */
export function peerOf(headers: HeaderReader): string | null {
  return peerStamping() ? headers.get(PEER_HEADER) : null;
}
