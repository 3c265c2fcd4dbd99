/**
 * One person's live stream. Each delivery is decided on the session, roles and case
 * memberships as they are now: they are re-read on a short interval and at once when a
 * notice says the person's access changed (sign-out, disabling, roles, memberships). When
 * the session is no longer live (signed out, revoked, expired, idle, account disabled) the
 * stream ends.
 */
import { EventEmitter, on } from "node:events";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { caseMembers } from "@/db/schema";
import { loadSessionUser, type SessionUser } from "../auth/sessions";
import { liveHub, type LiveEvent } from "./live";

/** How often an open stream re-reads its session when no notice arrives. */
export const STREAM_RECHECK_MS = 5_000;

type Viewer = { user: SessionUser; caseIds: ReadonlySet<string> };

/** The stream's person as they are now, or null when their session is no longer live. */
async function loadViewer(db: Db, sessionId: string): Promise<Viewer | null> {
  const user = await loadSessionUser(db, sessionId, { markSeen: false });
  if (!user) return null;
  const rows = await db
    .select({ caseId: caseMembers.caseId })
    .from(caseMembers)
    .where(eq(caseMembers.userId, user.id));
  return { user, caseIds: new Set(rows.map((r) => r.caseId)) };
}

/**
 * Who hears an event: holders of the roles it is addressed to (approvers' queues), and the
 * people it names, while they may see its case (members, compliance reviewers). A requester
 * or grantee taken off the case hears nothing more of it.
 */
export function delivers({ user, caseIds }: Viewer, event: LiveEvent): boolean {
  if (event.roles.some((r) => user.roles.includes(r))) return true;
  return event.userIds.includes(user.id) && (caseIds.has(event.caseId) || user.roles.includes("compliance"));
}

type Message = { type: "event"; event: LiveEvent } | { type: "recheck" };

export type Delivery = Pick<LiveEvent, "kind" | "requestId" | "caseId">;

/**
 * The events `user`'s session may receive, until `signal` aborts (returns "closed") or the
 * session ends (returns "session_ended").
 */
export async function* liveStream(
  db: Db,
  user: SessionUser,
  signal: AbortSignal | undefined,
  { recheckMs = STREAM_RECHECK_MS }: { recheckMs?: number } = {},
): AsyncGenerator<Delivery, "closed" | "session_ended"> {
  const hub = liveHub(db);
  const inbox = new EventEmitter();
  const send = (message: Message) => inbox.emit("message", message);
  // Listening before subscribing: nothing that arrives while the viewer loads is lost.
  const messages = on(inbox, "message", { signal }) as AsyncIterable<[Message]>;
  const stops: (() => void)[] = [];
  const timer = setInterval(() => send({ type: "recheck" }), recheckMs);
  try {
    stops.push(
      await hub.subscribe((event) => send({ type: "event", event })),
      await hub.subscribeAccess((change) => {
        if (change.userIds.includes(user.id)) send({ type: "recheck" });
      }),
    );
    let viewer = await loadViewer(db, user.sessionId);
    if (!viewer) return "session_ended";
    // Messages are taken one at a time, in the order the database committed them: a
    // notice of lost access is acted on before any event that followed it.
    for await (const [message] of messages) {
      if (message.type === "recheck") viewer = await loadViewer(db, user.sessionId);
      if (!viewer) return "session_ended";
      if (message.type === "event" && delivers(viewer, message.event)) {
        const { kind, requestId, caseId } = message.event;
        yield { kind, requestId, caseId };
      }
    }
    return "closed";
  } catch (error) {
    if (signal?.aborted) return "closed";
    throw error;
  } finally {
    clearInterval(timer);
    for (const stop of stops) stop();
  }
}
