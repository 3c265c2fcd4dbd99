/**
 * The web server: Next.js behind a plain Node HTTP server that stamps each request
 * with its socket peer (server/http/peer.ts), so the client address never comes from
 * a header a client can write. `serve.ts` starts it; `--dev` runs Next.js in dev mode.
 */
import { createServer } from "node:http";
import next from "next";
import { env } from "../env";
import { markPeerStamping, stampPeer } from "../http/peer";

async function main() {
  const dev = process.argv.includes("--dev");
  const { PORT: port, BIND_ADDRESS: hostname } = env();
  const app = next({ dev, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  markPeerStamping();
  const server = createServer((req, res) => {
    stampPeer(req);
    handle(req, res).catch((error: unknown) => {
      console.error(`request failed: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.listen(port, hostname, () => console.log(`Web server listening on http://${hostname}:${port}`));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      server.close();
      void app.close().finally(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
