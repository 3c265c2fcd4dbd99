/**
 * Connectors cannot be pointed at the organisation's own internal addresses
 * (loopback, link-local, cloud metadata, private ranges) unless an admin allows
 * them with CASEFILE_CONNECTOR_ALLOW — at save time for literal addresses, and
 * where the connection is made, on the resolved address, for everything.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type TRPCError } from "@trpc/server";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { env } from "../env";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { enrolSecondFactor } from "../testing/second-factor";
import { testSystems } from "../testing/systems";
import { webhookReceiver } from "../testing/webhook-receiver";
import { parseAllowList } from "./allow-list";
import { permitted, useConnectorAllow } from "./egress";
import { postGuarded } from "./http-post";
import { failure } from "../testing/failure";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const systems = await testSystems(0);
const receiver = webhookReceiver("a-very-secret-signing-key");
const hookUrl = await receiver.start();
afterAll(() => receiver.stop());
const sam = await callerFor(t.db, "sam.okafor@casefile.demo"); // admin
await enrolSecondFactor(sam, "demo-password-for-tests", { stepUp: true });

// The suite's configuration allows the loopback systems; each test says what it allows.
const configured = env().CASEFILE_CONNECTOR_ALLOW ?? "";
beforeEach(() => useConnectorAllow(""));
afterAll(() => useConnectorAllow(configured));

const fieldOf = (error: TRPCError) => (error.cause as { field?: string } | undefined)?.field;
let n = 0;
const saveWebhook = (url: string) =>
  sam.admin.connectors.save({
    name: `hook-${++n}`,
    kind: "webhook",
    serves: [],
    config: { url, secret: "a-very-secret-signing-key" },
  });
const savePostgres = (host: string) =>
  sam.admin.connectors.save({
    name: `db-${++n}`,
    kind: "postgres",
    serves: [],
    config: { url: `postgres://reader:pw@${host}:5432/evidence` },
  });
const hooksReceived = () => receiver.received.length;

const INTERNAL = [
  "127.0.0.1",
  "localhost",
  "127.1",
  "0x7f000001",
  "[::1]",
  "169.254.169.254",
  "[fd00:ec2::254]",
];

describe("internal addresses", () => {
  it("refuses to save a connector at a literal internal address, naming the field", async () => {
    const before = (await sam.admin.connectors.list()).length;
    for (const host of [...INTERNAL, "10.1.2.3", "192.168.0.10", "[::ffff:127.0.0.1]", "0.0.0.0"]) {
      for (const save of [() => saveWebhook(`http://${host}:8080/hook`), () => savePostgres(host)]) {
        const error = await failure(save());
        expect(error.code, host).toBe("BAD_REQUEST");
        expect(fieldOf(error), host).toBe("config.url");
        expect(error.message, host).toContain("CASEFILE_CONNECTOR_ALLOW");
      }
    }
    expect((await sam.admin.connectors.list()).length).toBe(before);
    expect(
      await t.ledger.sql`select 1 from ledger_inbox where body::jsonb ->> 'type' = 'admin.connector.created'`,
    ).toHaveLength(0);
  });

  it("accepts what the allow-list names, and only that", async () => {
    useConnectorAllow("127.0.0.1/32, 10.20.0.0/16");
    await saveWebhook("http://127.0.0.1:8080/hook");
    await savePostgres("10.20.3.4");
    for (const host of ["[::1]", "169.254.169.254", "[fd00:ec2::254]", "10.21.0.1"])
      expect(fieldOf(await failure(savePostgres(host))), host).toBe("config.url");
  });

  it("checks where the connection is made: a connector saved while allowed cannot connect once it is not", async () => {
    useConnectorAllow("127.0.0.1/32");
    const hook = await saveWebhook(hookUrl);
    const store = await sam.admin.connectors.save({
      name: `store-${++n}`,
      kind: "postgres",
      serves: [],
      config: { url: systems.evidenceUrl },
    });
    expect(await sam.admin.connectors.test({ id: store.id })).toMatchObject({ ok: true });
    expect(await sam.admin.connectors.test({ id: hook.id })).toMatchObject({ ok: true });
    const received = hooksReceived();

    useConnectorAllow("");
    for (const id of [store.id, hook.id]) {
      const outcome = await sam.admin.connectors.test({ id });
      expect(outcome.ok).toBe(false);
      expect(outcome.message).toMatch(/^Not allowed/);
    }
    expect(hooksReceived()).toBe(received);
  });

  it("checks the address a name resolves to, not the name", async () => {
    // A loopback server reached by a name: refused after resolution, never contacted.
    let contacted = 0;
    const server = createServer((_req, res) => {
      contacted++;
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const post = (url: string) => postGuarded(url, { headers: {}, body: "{}", timeoutMs: 5_000 });
      for (const url of [`http://localhost:${port}/`, `http://127.1:${port}/`, `http://0x7f000001:${port}/`])
        await expect(post(url), url).rejects.toMatchObject({ code: "EADDRNOTALLOWED" });
      expect(contacted).toBe(0);
      // Allowed by name: the admin vouches for what that name resolves to.
      useConnectorAllow("localhost");
      expect(await post(`http://localhost:${port}/`)).toBe(200);
      expect(contacted).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("denies every internal range, in any spelling, and allows public addresses", () => {
    const denied = [
      "127.0.0.1",
      "127.255.255.254",
      "0.0.0.0",
      "10.0.0.1",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "100.100.100.200",
      "192.0.0.192",
      "224.0.0.1",
      "255.255.255.255",
      "::",
      "::1",
      "::ffff:127.0.0.1",
      "::ffff:169.254.169.254",
      "::ffff:a9fe:a9fe",
      "fd00:ec2::254",
      "fc00::1",
      "fe80::1",
      "ff02::1",
      "64:ff9b::7f00:1",
      "64:ff9b::10.0.0.1",
      "2002:7f00:1::1",
      "64:ff9b:1::1",
    ];
    for (const address of denied) expect(permitted(address, address), address).toBe(false);
    const open = [
      "8.8.8.8",
      "1.1.1.1",
      "172.32.0.1",
      "2606:4700:4700::1111",
      "::ffff:8.8.8.8",
      "64:ff9b::808:808",
    ];
    for (const address of open) expect(permitted(address, address), address).toBe(true);
  });

  it("reads the allow-list strictly: a bad entry is named", () => {
    expect(parseAllowList("10.20.0.0/16, [fd12::]/64 evidence.corp.internal 127.0.0.1")).toMatchObject({
      ok: true,
      entries: [
        { kind: "subnet", address: "10.20.0.0", prefix: 16, family: "ipv4" },
        { kind: "subnet", address: "fd12::", prefix: 64, family: "ipv6" },
        { kind: "host", name: "evidence.corp.internal" },
        { kind: "subnet", address: "127.0.0.1", prefix: 32, family: "ipv4" },
      ],
    });
    for (const bad of [
      "10.0.0.0/33",
      "::/129",
      "evidence.internal/8",
      "http://x",
      "a_b.example",
      "10.0.0.0/8/1",
    ]) {
      const parsed = parseAllowList(bad);
      expect(parsed.ok ? "" : parsed.error, bad).toContain(bad);
    }
  });
});
