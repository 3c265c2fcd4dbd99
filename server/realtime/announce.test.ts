import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, expect, it, vi } from "vitest";

// A real receiver on loopback, named before the environment is first read.
const received: { body: string; type: string | undefined }[] = [];
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => {
    received.push({ body, type: req.headers["content-type"] });
    res.writeHead(200).end("ok");
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.env.CASEFILE_NOTIFY_WEBHOOK_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
const { announce } = await import("./announce");
afterAll(() => new Promise((resolve) => server.close(resolve)));

it("posts a Slack-compatible message to the configured webhook", async () => {
  announce('CASE-2026-0001: Ines Ortega requests "Query sensitive logs"');
  await expect.poll(() => received.length).toBe(1);
  expect(received[0]?.type).toBe("application/json");
  expect(JSON.parse(received[0]?.body ?? "{}")).toEqual({
    text: 'CASE-2026-0001: Ines Ortega requests "Query sensitive logs"',
  });
});

it("does not post to an internal address the allow-list does not name", async () => {
  const { useConnectorAllow } = await import("../connectors/egress");
  const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
  useConnectorAllow("");
  try {
    const before = received.length;
    announce("CASE-2026-0001: a step");
    await expect.poll(() => errors.mock.calls.flat().join(" ")).toContain("internal address");
    expect(received.length).toBe(before);
  } finally {
    useConnectorAllow("127.0.0.1/32");
    errors.mockRestore();
  }
});
