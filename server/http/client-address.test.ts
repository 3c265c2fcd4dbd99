import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { LOCKOUT } from "../auth/lockout";
import { signInWithPassword } from "../auth/sign-in";
import { requestMetaFrom } from "../request-meta";
import { testDatabase } from "../testing/db";
import { clientAddress, parseCidr, trustedProxyList, type Cidr } from "./client-address";
import { markPeerStamping, stampPeer } from "./peer";

const t = await testDatabase();
const PASSWORD = "demo-password-for-tests";
await seedDemo(t.db, PASSWORD);

/** The web server's path in miniature: stamp the peer, then sign in with the request's meta. */
markPeerStamping();
const server: Server = createServer((req, res) => {
  stampPeer(req);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === "string") headers.set(name, value);
  const url = new URL(req.url ?? "/", "http://app");
  const meta = requestMetaFrom(headers);
  void signInWithPassword(
    t.db,
    { email: url.searchParams.get("email") ?? "", password: url.searchParams.get("password") ?? "" },
    meta,
  ).then(
    (result) => res.end(JSON.stringify({ ip: meta.ip, result })),
    (error: unknown) => res.writeHead(500).end(String(error)),
  );
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function signIn(email: string, password: string, headers: Record<string, string>) {
  const query = new URLSearchParams({ email, password });
  const response = await fetch(`${base}/?${query}`, { headers });
  return (await response.json()) as {
    ip: string | null;
    result: { ok: true; sessionId: string } | { ok: false; reason: string };
  };
}

describe("client address over HTTP, no trusted proxies", () => {
  it("records the socket peer in the session and the ledger, whatever X-Forwarded-For says", async () => {
    const answer = await signIn("ines.ortega@casefile.demo", PASSWORD, {
      "x-forwarded-for": "203.0.113.7",
      "x-casefile-peer": "198.51.100.1",
    });
    expect(answer.ip).toBe("127.0.0.1");
    if (!answer.result.ok) throw new Error(`sign-in refused: ${answer.result.reason}`);
    const [session] = await t.sql<
      { ip: string }[]
    >`select ip from user_sessions where id = ${answer.result.sessionId}`;
    expect(session?.ip).toBe("127.0.0.1");
    const entries = await t.owner.sql<{ body: string }[]>`select body from ledger_inbox order by id`;
    const signInEntry = entries
      .map((e) => JSON.parse(e.body) as { type: string; request?: { ip: string | null } })
      .find((e) => e.type === "auth.sign_in");
    expect(signInEntry?.request?.ip).toBe("127.0.0.1");
  });

  it("counts every guess from one connection address, however X-Forwarded-For rotates", async () => {
    // Each guess names another account (so no account locks) and claims another address.
    for (let i = 0; i < LOCKOUT.perAddress; i++) {
      const answer = await signIn(`nobody-${i}@casefile.demo`, "wrong-password", {
        "x-forwarded-for": `198.51.100.${i + 1}`,
      });
      expect(answer.result).toEqual({ ok: false, reason: "invalid" });
    }
    const next = await signIn("tom.becker@casefile.demo", PASSWORD, { "x-forwarded-for": "192.0.2.200" });
    expect(next.result).toMatchObject({ ok: false, reason: "locked" });
  });
});

describe("client address behind trusted proxies", () => {
  const cidrs = ["10.0.0.0/8", "::1"].map((c) => parseCidr(c)).filter((c): c is Cidr => c !== null);
  const trusted = trustedProxyList(cidrs);

  it("takes the right-most hop that is not a trusted proxy; hops a client wrote count for nothing", () => {
    expect(clientAddress("10.0.0.5", "1.1.1.1, 203.0.113.9", trusted)).toBe("203.0.113.9");
    expect(clientAddress("10.0.0.5", "1.1.1.1, 203.0.113.9, 10.1.2.3", trusted)).toBe("203.0.113.9");
    expect(clientAddress("::1", "203.0.113.9", trusted)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:10.0.0.5", "[2001:db8::1]", trusted)).toBe("2001:db8::1");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(clientAddress("203.0.113.50", "10.0.0.1, 1.1.1.1", trusted)).toBe("203.0.113.50");
  });

  it("stops at the nearest known address when a hop is not an address", () => {
    expect(clientAddress("10.0.0.5", "203.0.113.9, not-an-ip", trusted)).toBe("10.0.0.5");
    expect(clientAddress("10.0.0.5", "", trusted)).toBe("10.0.0.5");
    expect(clientAddress("10.0.0.5", "10.0.0.7", trusted)).toBe("10.0.0.7");
  });

  it("reads the configured list strictly", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({ address: "10.0.0.0", prefix: 8, family: "ipv4" });
    expect(parseCidr("2001:db8::/32")).toMatchObject({ prefix: 32, family: "ipv6" });
    for (const bad of ["10.0.0.0/33", "example.org", "10.0.0.0/8/1", "10.0.0.0/x", ""]) {
      expect(parseCidr(bad)).toBeNull();
    }
  });
});
