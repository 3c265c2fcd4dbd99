/**
 * The web server: a plain Node HTTP server that stamps each request with its socket peer
 * (server/http/peer.ts), so the client address never comes from a header a client can
 * write; then serves tRPC calls itself (server/http/trpc-node.ts) and hands everything
 * else (pages, sign-in, downloads, assets) to Next.js. `serve.ts` starts it; `--dev` runs
 * Next.js in dev mode.
 */
import { createServer } from "node:http";
import next from "next";
import { env } from "../env";
import { markPeerStamping } from "../http/peer";
import { loadServerOnlyAsServer } from "../http/server-only";

loadServerOnlyAsServer();

async function main() {
  const dev = process.argv.includes("--dev");
  const { PORT: port, BIND_ADDRESS: hostname } = env();
  const app = next({ dev, hostname, port });
  const handle = app.getRequestHandler();
  // Loaded after the marker resolution above is in place.
  const { webRequestListener } = await import("../http/web-handler");
  await app.prepare();
  markPeerStamping();
  const server = createServer(webRequestListener((req, res) => handle(req, res)));
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
