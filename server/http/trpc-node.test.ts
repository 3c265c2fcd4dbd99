/**
 * tRPC as the web server serves it (server/http/web-handler.ts, in front of Next.js), over
 * real HTTP with real session cookies: the session is checked against the database on every
 * call, state changes from another site are refused, answers carry the security headers and
 * are never cached, and the ledger records the socket peer, never a header a client wrote.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { afterAll, describe, expect, it, vi } from "vitest";
import { cases } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { testDatabase } from "../testing/db";

const SECRET = "a-test-secret-that-is-at-least-32-characters";
const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
// This file's modules read the environment once, after these are set.
vi.stubEnv("DATABASE_URL", t.url);
vi.stubEnv("AUTH_SECRET", SECRET);
vi.stubEnv("NEXTAUTH_URL", "http://casefile.test");
afterAll(() => vi.unstubAllEnvs());
const { sessionFor } = await import("../testing/callers");
const { markPeerStamping } = await import("./peer");
const { webRequestListener } = await import("./web-handler");

markPeerStamping();
// Whatever is not tRPC goes to Next.js in the real server; here it is a plain 404.
const server = createServer(
  webRequestListener((_req, res) => {
    res.writeHead(404).end();
    return Promise.resolve();
  }),
);
server.listen(0, "127.0.0.1");
await once(server, "listening");
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(() => new Promise((resolve) => server.close(resolve)));

const INVESTIGATOR = "ines.ortega@casefile.demo";

async function cookieFor(sessionId: string, secret = SECRET, maxAge = 3600): Promise<string> {
  return `next-auth.session-token=${await encode({ token: { sid: sessionId }, secret, maxAge })}`;
}

const me = (cookie: string) => fetch(`${base}/api/trpc/me`, { headers: { cookie } });

function createCase(cookie: string, title: string, headers: Record<string, string>) {
  return fetch(`${base}/api/trpc/cases.create`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json", ...headers },
    body: JSON.stringify({ json: { title, summary: "", severity: 1, tlp: "green" } }),
  });
}

describe("tRPC served by the web server", () => {
  it("answers a signed-in read as the session's user, uncached, with the security headers", async () => {
    const response = await me(await cookieFor(await sessionFor(t.db, INVESTIGATOR)));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: { json: { email: string } } } };
    expect(body.result.data.json.email).toBe(INVESTIGATOR);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
  });

  it("opens the live stream as a server-sent event stream that is never cached", async () => {
    const cookie = await cookieFor(await sessionFor(t.db, INVESTIGATOR));
    const aborted = new AbortController();
    const response = await fetch(`${base}/api/trpc/requests.live`, {
      headers: { cookie },
      signal: aborted.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    aborted.abort();
  });

  it("treats a cookie it did not issue, an expired one or none as signed out", async () => {
    const sessionId = await sessionFor(t.db, INVESTIGATOR);
    const token = (await cookieFor(sessionId)).split("=")[1] ?? "";
    const flipped = `${token.slice(0, -3)}${token.endsWith("AAA") ? "BBB" : "AAA"}`;
    const answers = await Promise.all([
      me(await cookieFor(sessionId, "another-secret-that-is-at-least-32-characters")),
      me(await cookieFor(sessionId, SECRET, -60)),
      me(`next-auth.session-token=${flipped}`),
      me(""),
      me("next-auth.session-token=not-a-token"),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      const body = (await answer.json()) as { error: { json: { data: { code: string } } } };
      expect(body.error.json.data.code).toBe("UNAUTHORIZED");
    }
  });

  it("refuses a session on the very next call once it is signed out elsewhere", async () => {
    const first = await cookieFor(await sessionFor(t.db, INVESTIGATOR));
    const second = await cookieFor(await sessionFor(t.db, INVESTIGATOR));
    expect((await me(first)).status).toBe(200);
    const ended = await fetch(`${base}/api/trpc/account.signOutOthers`, {
      method: "POST",
      headers: { cookie: second, "content-type": "application/json", "sec-fetch-site": "same-origin" },
      body: JSON.stringify({ json: {} }),
    });
    expect(ended.status).toBe(200);
    const after = await Promise.all([me(first), me(first), me(first)]);
    expect(after.map((r) => r.status)).toEqual([401, 401, 401]);
    expect((await me(second)).status).toBe(200);
  });

  it("refuses a state change sent from another site, and lets the app's own through", async () => {
    const cookie = await cookieFor(await sessionFor(t.db, INVESTIGATOR));
    const [forged, older, foreignOrigin] = await Promise.all([
      createCase(cookie, "Forged from another site", {
        "sec-fetch-site": "cross-site",
        origin: "https://evil.example",
      }),
      createCase(cookie, "Forged by an older browser", { origin: "https://evil.example" }),
      createCase(cookie, "Forged from a sibling site", {
        "sec-fetch-site": "same-site",
        origin: "https://evil.casefile.test",
      }),
    ]);
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("cross-site request refused");
    expect(older.status).toBe(403);
    expect(await older.text()).toContain("cross-origin request refused");
    expect(foreignOrigin.status).toBe(403);
    expect(forged.headers.get("cache-control")).toBe("no-store");
    const own = await createCase(cookie, "Opened from the app", {
      "sec-fetch-site": "same-origin",
      origin: "http://casefile.test",
    });
    expect(own.status).toBe(200);
    const titles = (await t.db.select({ title: cases.title }).from(cases)).map((c) => c.title);
    expect(titles).toContain("Opened from the app");
    expect(titles.filter((x) => x.startsWith("Forged"))).toEqual([]);
  });

  it("records the socket's address in the ledger, not one a client claims", async () => {
    const cookie = await cookieFor(await sessionFor(t.db, INVESTIGATOR));
    const response = await createCase(cookie, "Opened with claimed addresses", {
      "sec-fetch-site": "same-origin",
      "x-casefile-peer": "203.0.113.9",
      "x-forwarded-for": "203.0.113.10",
      "x-request-id": "claimed-addresses",
    });
    expect(response.status).toBe(200);
    const [created] = await t.db
      .select({ id: cases.id })
      .from(cases)
      .where(eq(cases.title, "Opened with claimed addresses"));
    expect(created).toBeDefined();
    const rows = await t.owner.sql<{ body: string }[]>`
      select body from ledger_inbox where body like '%claimed-addresses%'`;
    expect(rows.length).toBeGreaterThan(0);
    const ips = rows.map((r) => (JSON.parse(r.body) as { request: { ip: string | null } }).request.ip);
    expect(new Set(ips)).toEqual(new Set(["127.0.0.1"]));
  });
});
