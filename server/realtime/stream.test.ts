import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { applyRoles } from "../admin/roles";
import { loadSessionUser } from "../auth/sessions";
import { signOutSession } from "../auth/sign-in";
import { approveAsSeen, callerFor, callerForSession, sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { giveRoles } from "../testing/roles";
import { liveHub } from "./live";
import { liveStream } from "./stream";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);

const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
const { id: caseId } = await ines.cases.create({
  title: "Live stream case",
  summary: "",
  severity: 2,
  tlp: "amber",
});
const ask = {
  caseId,
  actionKey: "logs.query",
  params: {
    table: "auth_logs",
    columns: ["ts"],
    subject: "203.0.113.9",
    from: "2026-11-19T00:00:00Z",
    to: "2026-11-20T00:00:00Z",
    rowCap: 10,
  },
  justification: "Sign-ins of the address on the night of the incident, for the timeline.",
  minutes: 10,
};

/** Resolves once the hub has more subscribers than `before` (a stream finished subscribing). */
async function subscribed(before: number): Promise<void> {
  while (liveHub(t.db).subscribers <= before) await new Promise((r) => setTimeout(r, 10));
}

/** Opens `requests.live` for the session as a browser would, and waits until it listens. */
async function openStream(sessionId: string) {
  const caller = await callerForSession(t.db, sessionId);
  const before = liveHub(t.db).subscribers;
  const stream = (await caller.requests.live())[Symbol.asyncIterator]();
  const first = stream.next();
  await subscribed(before);
  return { stream, first };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    (value) => `delivered ${JSON.stringify(value)}`,
    (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
  );
}

describe("the live stream follows the session as it is now", () => {
  it("closes when its session signs out, and delivers nothing after", async () => {
    const sessionId = await sessionFor(t.db, "priya.raman@casefile.demo");
    const { stream, first } = await openStream(sessionId);
    const { id: before } = await ines.requests.create(ask);
    expect((await first).value).toMatchObject({ kind: "request.created", requestId: before });

    await signOutSession(t.db, sessionId, null);
    expect(await codeOf((await callerForSession(t.db, sessionId)).me())).toBe("UNAUTHORIZED");
    await ines.requests.create(ask);
    expect(await codeOf(stream.next())).toBe("UNAUTHORIZED");
  });

  it("stops delivering an approver's events the moment the approver role is taken away", async () => {
    const sessionId = await sessionFor(t.db, "tom.becker@casefile.demo");
    const user = await loadSessionUser(t.db, sessionId);
    if (!user) throw new Error("no session");
    const { stream, first } = await openStream(sessionId);
    await t.db.transaction((tx) =>
      applyRoles(tx, {
        user: { ...user, serviceAccount: false },
        roles: [],
        actor: { id: user.id, name: "Admin" },
        source: "admin",
        request: null,
      }),
    );
    await ines.requests.create(ask);
    // The next thing the stream does is close on sign-out: the request above was never delivered.
    await signOutSession(t.db, sessionId, null);
    expect(await codeOf(first)).toBe("UNAUTHORIZED");
    await stream.return?.(undefined);
  });

  it("tells a requester taken off the case nothing more about it", async () => {
    const [dana] = await t.db
      .insert(users)
      .values({ name: "Dana Fischer", email: "dana.fischer@casefile.demo", clearance: 2 })
      .returning({ id: users.id });
    if (!dana) throw new Error("no user");
    await giveRoles(t.db, dana.id, ["investigator"]);
    await ines.cases.members.add({ caseId, userId: dana.id, access: "write" });
    const danaCaller = await callerFor(t.db, "dana.fischer@casefile.demo");
    const { id: requestId } = await danaCaller.requests.create(ask);
    await ines.cases.members.remove({ caseId, userId: dana.id });

    const sessionId = await sessionFor(t.db, "dana.fischer@casefile.demo");
    const { first } = await openStream(sessionId);
    // Decided and granted to her: both events name her, for a case she is no longer on.
    await approveAsSeen(await callerFor(t.db, "priya.raman@casefile.demo"), requestId);
    await signOutSession(t.db, sessionId, null);
    expect(await codeOf(first)).toBe("UNAUTHORIZED");
  });

  it.each([
    [
      "session idle past the limit",
      "update user_sessions set last_seen_at = now() - interval '31 minutes' where id = $1",
    ],
    [
      "account disabled",
      "update users set disabled_at = now() where id = (select user_id from user_sessions where id = $1)",
    ],
  ])("ends with no notice sent: %s", async (_, statement) => {
    const sessionId = await sessionFor(t.db, "carla.nguyen@casefile.demo");
    const user = await loadSessionUser(t.db, sessionId);
    if (!user) throw new Error("no session");
    const stream = liveStream(t.db, user, undefined, { recheckMs: 50 });
    const before = liveHub(t.db).subscribers;
    const next = stream.next();
    await subscribed(before);
    await t.owner.sql.unsafe(statement, [sessionId]);
    expect(await next).toEqual({ done: true, value: "session_ended" });
    await t.owner.sql`update users set disabled_at = null where id = ${user.id}`;
  });
});
