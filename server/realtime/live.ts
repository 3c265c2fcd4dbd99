/**
 * Live updates across app instances: a service publishes inside its transaction
 * with pg_notify (delivered when, and only if, it commits); every instance LISTENs
 * once and hands each event to its subscribers. Events carry ids, never case data:
 * a browser that hears one refetches what it is allowed to read.
 */
import { EventEmitter } from "node:events";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import type { Role } from "@/db/schema";

const CHANNEL = "casefile_live";

export type LiveEvent = {
  kind:
    | "request.created"
    | "request.decided"
    | "request.cancelled"
    | "request.expired"
    | "grant.created"
    | "grant.revoked"
    | "grant.used"
    | "execution.updated"
    | "break_glass";
  requestId: string;
  caseId: string;
  /** Who hears it: these users (while they may see the case), and everyone holding one of these roles. */
  userIds: string[];
  roles: Role[];
};

/** Someone's sessions, roles or case memberships changed: their open streams re-read who they are. */
export type AccessChange = { kind: "access.changed"; userIds: string[] };

export async function publish(tx: Tx, event: LiveEvent): Promise<void> {
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify(event)})`);
}

/** Inside the transaction that signs out, disables, or changes roles or memberships. */
export async function publishAccessChange(tx: Tx, userIds: string[]): Promise<void> {
  const change: AccessChange = { kind: "access.changed", userIds };
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`);
}

class Hub {
  private readonly emitter = new EventEmitter();
  private listening: Promise<unknown> | null = null;

  constructor(private readonly db: Db) {
    this.emitter.setMaxListeners(0);
  }

  private listen() {
    this.listening ??= this.db.$client
      .listen(CHANNEL, (payload) => {
        try {
          const message = JSON.parse(payload) as LiveEvent | AccessChange;
          this.emitter.emit(message.kind === "access.changed" ? "access" : "event", message);
        } catch {
          // A payload that is not ours: ignore it.
        }
      })
      .catch((error: unknown) => {
        this.listening = null;
        throw error;
      });
    return this.listening;
  }

  /** Calls `fn` for each event; returns the way to stop. */
  async subscribe(fn: (event: LiveEvent) => void): Promise<() => void> {
    await this.listen();
    this.emitter.on("event", fn);
    return () => this.emitter.off("event", fn);
  }

  /** How many event subscribers this instance has (open streams, tools). */
  get subscribers(): number {
    return this.emitter.listenerCount("event");
  }

  /** Calls `fn` for each access change; returns the way to stop. */
  async subscribeAccess(fn: (change: AccessChange) => void): Promise<() => void> {
    await this.listen();
    this.emitter.on("access", fn);
    return () => this.emitter.off("access", fn);
  }
}

const hubs = new WeakMap<Db, Hub>();

export function liveHub(db: Db): Hub {
  let hub = hubs.get(db);
  if (!hub) {
    hub = new Hub(db);
    hubs.set(db, hub);
  }
  return hub;
}
