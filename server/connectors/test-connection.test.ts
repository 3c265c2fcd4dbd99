/**
 * "Test connection" answers in a few fixed outcomes within five seconds: it does
 * not tell a closed port from an HTTP error (a port scanner), nor echo the far
 * system's error text; the details are in the server log.
 */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { enrolSecondFactor } from "../testing/second-factor";
import { testSystems } from "../testing/systems";
import { webhookReceiver } from "../testing/webhook-receiver";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const systems = await testSystems(0);
const secret = "a-very-secret-signing-key";
const receiver = webhookReceiver(secret);
const hookUrl = await receiver.start();
// A TCP service that accepts connections, reads what it is sent and never says a word.
const silent = createServer((socket) => socket.resume());
await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
const silentPort = (silent.address() as AddressInfo).port;
afterAll(async () => {
  await receiver.stop();
  await new Promise((resolve) => silent.close(resolve));
});
const sam = await callerFor(t.db, "sam.okafor@casefile.demo"); // admin
await enrolSecondFactor(sam, "demo-password-for-tests", { stepUp: true });

let n = 0;
async function testOf(kind: "webhook" | "postgres", url: string) {
  const saved = await sam.admin.connectors.save({
    name: `c-${++n}`,
    kind,
    serves: [],
    config: kind === "webhook" ? { url, secret } : { url },
  });
  return sam.admin.connectors.test({ id: saved.id });
}
const withPassword = (url: string, password: string) => {
  const u = new URL(url);
  u.password = password;
  return u.toString();
};

describe("test connection", () => {
  it("a webhook that accepts the signed ping: reached, signature accepted", async () => {
    expect(await testOf("webhook", hookUrl)).toEqual({ ok: true, message: "Reached, signature accepted" });
    expect(receiver.received.at(-1)?.verdict).toEqual({ ok: true });
  });

  it("a closed port and an HTTP error read the same: refused", async () => {
    receiver.answer([500]);
    const httpError = await testOf("webhook", hookUrl);
    const closedPort = await testOf("webhook", "http://127.0.0.1:1/hook");
    expect(httpError).toEqual({ ok: false, message: "Refused" });
    expect(closedPort).toEqual({ ok: false, message: "Refused" });
    const recorded = (await sam.admin.connectors.list()).map((c) => c.lastTestMessage);
    expect(recorded.join("\n")).not.toMatch(/ECONNREFUSED|HTTP 500|127\.0\.0\.1/);
  });

  it("a database that turns the sign-in down is refused, without its error text", async () => {
    const outcome = await testOf("postgres", withPassword(systems.evidenceUrl, "wrong-password"));
    expect(outcome).toEqual({ ok: false, message: "Refused" });
    const ledger = await t.ledger.sql<{ body: string }[]>`
      select body from ledger_inbox where body::jsonb ->> 'type' = 'admin.connector.tested'`;
    expect(ledger.map((r) => r.body).join("\n")).not.toMatch(/password authentication|28P01/);
    const good = await testOf("postgres", systems.evidenceUrl);
    expect(good).toEqual({ ok: true, message: `Reached, signed in as ${systems.names.readerRole}` });
  });

  it("an HTTP service that never answers: timed out after 5 s", async () => {
    receiver.answer([0]);
    expect(await testOf("webhook", hookUrl)).toEqual({ ok: false, message: "Timed out after 5 s" });
  });

  it("a database port that never answers: timed out after 5 s", async () => {
    const url = `postgres://reader:pw@127.0.0.1:${silentPort}/evidence`;
    expect(await testOf("postgres", url)).toEqual({ ok: false, message: "Timed out after 5 s" });
  });

  it("TLS to something that does not speak it: TLS error", async () => {
    const https = hookUrl.replace("http://", "https://");
    expect(await testOf("webhook", https)).toEqual({ ok: false, message: "TLS error" });
  });
});
