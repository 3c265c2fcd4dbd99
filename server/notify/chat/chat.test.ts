import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { actionRequests } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { ensureActionTypes } from "../../actions/types";
import { testIntegrator } from "../../ledger/testing";
import { callerFor } from "../../testing/callers";
import { testDatabase } from "../../testing/db";
import { inboxEntries } from "../../testing/ledger-inbox";
import { webhookReceiver } from "../../testing/webhook-receiver";
import { fanOutAll } from "../fan-out";
import { APPROVE, DENY } from "./blocks";
import { handleChatInteraction } from "./interaction";
import { queueChatPost, sendDueChatPosts } from "./posts";
import { signChat } from "./signature";

const SECRET = "chat-signing-secret-for-tests";
const BASE = "https://casefile.example.test";
const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);
const ledger = await testIntegrator(t.ledger.db);

// The channel's incoming webhook and the interactions' response_url: local receivers.
const channel = webhookReceiver("unused");
const channelUrl = await channel.start();
const responses = webhookReceiver("unused");
const responseUrl = await responses.start();
const config = { signingSecret: SECRET, baseUrl: BASE, requireSecondFactor: [] };

// The interaction endpoint over real HTTP, as the Next route serves it.
const endpoint = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
  req.on("end", () => {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    void handleChatInteraction(t.db, { headers, body }, config).then((a) =>
      res.writeHead(a.status, { "content-type": "application/json" }).end(a.body),
    );
  });
});
await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
const endpointUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/api/chat/interactions`;
afterAll(async () => {
  await Promise.all([channel.stop(), responses.stop()]);
  endpoint.closeAllConnections();
  await new Promise<void>((resolve) => endpoint.close(() => resolve()));
});

const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const priya = await callerFor(t.db, "priya.raman@casefile.demo");
const { id: caseId, key: caseKey } = await ines.cases.create({
  title: "Chat case",
  summary: "Orders exported at night.",
  severity: 3,
  tlp: "amber",
});
await ines.cases.timeline.add({
  caseId,
  occurredAt: new Date("2026-11-20T02:14:00Z"),
  title: "j.smith exports 48,000 rows from orders",
  entities: [{ kind: "user_account", value: "j.smith", role: "suspect", relation: "actor" }],
});
const ask = {
  caseId,
  actionKey: "logs.query",
  params: {
    table: "auth_logs",
    columns: ["ts", "username", "src_ip", "result"],
    subject: "j.smith",
    from: "2026-11-19T00:00:00Z",
    to: "2026-11-21T00:00:00Z",
    rowCap: 5000,
  },
  justification: "Need the sign-in history of j.smith around the export window.",
  minutes: 30,
};

async function newRequest() {
  const { id } = await ines.requests.create(ask);
  const hash = (await priya.requests.review({ requestId: id })).request.paramsHash;
  return { id, value: `${id}:${hash}` };
}

type Press = { user: string; action: string; value: string; secret?: string; at?: number };

function signed(p: Press) {
  const payload = {
    type: "block_actions",
    // Every press is its own payload (Slack sends a fresh trigger id and action time each time).
    trigger_id: randomUUID(),
    user: { id: p.user, username: p.user.toLowerCase() },
    team: { id: "T0CASEFILE" },
    response_url: responseUrl,
    actions: [{ action_id: p.action, value: p.value }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(p.at ?? Math.floor(Date.now() / 1000));
  return {
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": signChat(p.secret ?? SECRET, timestamp, body),
    },
  };
}

async function send(message: ReturnType<typeof signed>) {
  const res = await fetch(endpointUrl, { method: "POST", headers: message.headers, body: message.body });
  return res.status;
}

const press = (p: Press) => send(signed(p));
const statusOf = async (id: string) =>
  (await t.db.select({ s: actionRequests.status }).from(actionRequests).where(eq(actionRequests.id, id)))[0]
    ?.s;
const lastResponse = () => JSON.parse(responses.received.at(-1)?.body ?? "{}") as Record<string, unknown>;

/** Presses a button as an unlinked chat user, then confirms the code as `caller`. */
async function link(user: string, caller: typeof priya, value: string) {
  expect(await press({ user, action: APPROVE, value })).toBe(200);
  const text = String(lastResponse().text);
  const code = /chat-link=([\w-]+)/.exec(text)?.[1] ?? "";
  expect(text).toContain(`${BASE}/notifications?chat-link=`);
  await caller.notifications.confirmChatLink({ code });
}

describe("chat approval", () => {
  it("posts the request to the channel with its context and buttons, through the outbox", async () => {
    const { id, value } = await newRequest();
    await ledger.integrator.drain();
    await fanOutAll(t.db, { baseUrl: BASE, mail: false, also: (tx, e) => queueChatPost(tx, e, BASE) });
    expect(await sendDueChatPosts(t.db, channelUrl)).toBeGreaterThan(0);
    const message = channel.received.map((r) => r.body).find((b) => b.includes(id)) ?? "";
    expect(message).toContain(caseKey);
    expect(message).toContain("j.smith"); // suspects
    expect(message).toContain("Read columns ts, username, src_ip, result of auth_logs"); // scope in words
    expect(message).toContain("0 of 1"); // policy progress
    const blocks = JSON.parse(message) as {
      blocks: { type: string; elements?: { action_id: string; value?: string; url?: string }[] }[];
    };
    const buttons = blocks.blocks.find((b) => b.type === "actions")?.elements ?? [];
    expect(buttons.map((b) => b.action_id)).toEqual([APPROVE, DENY, "casefile.open"]);
    expect(buttons[0]?.value).toBe(value);
    expect(buttons[2]?.url).toBe(`${BASE}/approvals/${id}`);
  });

  it("links a chat user once, then decides through the same service, ledgered with its channel", async () => {
    const { id, value } = await newRequest();
    await link("UPRIYA", priya, value);
    expect(await statusOf(id)).toBe("pending"); // the first press only offered the link
    expect(await press({ user: "UPRIYA", action: APPROVE, value })).toBe(200);
    expect(await statusOf(id)).toBe("approved");
    const reply = lastResponse();
    expect(reply.replace_original).toBe(true);
    expect(String(reply.text)).toContain("Approved by Priya Raman in chat: grant issued");
    const approved = (await inboxEntries(t, "request.approved")).filter((e) => e.subjects.includes(id));
    expect(approved).toHaveLength(1);
    expect(JSON.stringify(approved[0])).toContain(
      "Casefile chat (Slack-compatible) team T0CASEFILE user UPRIYA",
    );
    const chat = (await inboxEntries(t, "request.decided_in_chat")).filter((e) => e.subjects.includes(id));
    expect(chat.map((e) => e.payload)).toEqual([
      expect.objectContaining({ channel: "chat", decision: "approve" }),
    ]);
  });

  it("refuses forged, stale and replayed interactions", async () => {
    const { id, value } = await newRequest();
    expect(await press({ user: "UPRIYA", action: DENY, value, secret: "not-the-secret" })).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 301;
    expect(await press({ user: "UPRIYA", action: DENY, value, at: stale })).toBe(401);
    const future = Math.floor(Date.now() / 1000) + 301;
    expect(await press({ user: "UPRIYA", action: DENY, value, at: future })).toBe(401);
    expect(await statusOf(id)).toBe("pending");
    // A signature over another body is no signature of this one.
    const tampered = signed({ user: "UPRIYA", action: DENY, value });
    tampered.body = tampered.body.replace("UPRIYA", "UPRIYB");
    expect(await send(tampered)).toBe(401);
    const once = signed({ user: "UPRIYA", action: DENY, value });
    const [a, b] = await Promise.all([send(once), send(once)]);
    expect([a, b].sort()).toEqual([200, 409]);
    expect(await send(once)).toBe(409);
    expect(await statusOf(id)).toBe("denied");
    const chat = (await inboxEntries(t, "request.decided_in_chat")).filter((e) => e.subjects.includes(id));
    expect(chat).toHaveLength(1);
  });

  it("keeps the console's rules: no self-approval, and high risk opens Casefile for step-up", async () => {
    const { id, value } = await newRequest();
    await link("UINES", ines, value);
    expect(await press({ user: "UINES", action: APPROVE, value })).toBe(200);
    expect(String(lastResponse().text)).toContain("Nobody approves their own request");
    expect(lastResponse().replace_original).toBe(false);
    expect(await statusOf(id)).toBe("pending");
    expect(
      (await inboxEntries(t, "request.self_approval_refused")).some((e) => e.subjects.includes(id)),
    ).toBe(true);

    await t.owner.sql`update action_types set risk_tier = 'high' where key = 'logs.query'`;
    try {
      const high = await newRequest();
      expect(await press({ user: "UPRIYA", action: APPROVE, value: high.value })).toBe(200);
      expect(String(lastResponse().text)).toContain("high risk needs a fresh second factor");
      expect(String(lastResponse().text)).toContain(`${BASE}/approvals/${high.id}`);
      expect(await statusOf(high.id)).toBe("pending");
    } finally {
      await t.owner.sql`update action_types set risk_tier = 'medium' where key = 'logs.query'`;
    }
  });

  it("answers bad bodies with 400, never a 500", async () => {
    const body = "payload=%7Bnot-json";
    const timestamp = String(Math.floor(Date.now() / 1000));
    const status = await send({
      body,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signChat(SECRET, timestamp, body),
      },
    });
    expect(status).toBe(400);
  });
});
