/**
 * Live updates across app instances: a service publishes inside its transaction
 * with pg_notify (delivered when, and only if, it commits); every instance LISTENs
 * once and hands each event to its subscribers. Events carry ids, never case data:
 * a browser that hears one refetches what it is allowed to read.
 */
import { EventEmitter, on } from "node:events";
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
  /** Who hears it: these users, and everyone holding one of these roles. */
  userIds: string[];
  roles: Role[];
};

export async function publish(tx: Tx, event: LiveEvent): Promise<void> {
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify(event)})`);
}

export function hears(user: { id: string; roles: readonly Role[] }, event: LiveEvent): boolean {
  return event.userIds.includes(user.id) || event.roles.some((r) => user.roles.includes(r));
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
          this.emitter.emit("event", JSON.parse(payload) as LiveEvent);
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

  /** Events as they arrive until `signal` aborts. */
  async *events(signal: AbortSignal | undefined): AsyncGenerator<LiveEvent> {
    await this.listen();
    for await (const [event] of on(this.emitter, "event", { signal }) as AsyncIterable<[LiveEvent]>) {
      yield event;
    }
  }

  /** For tests and tools: calls `fn` for each event; returns the way to stop. */
  async subscribe(fn: (event: LiveEvent) => void): Promise<() => void> {
    await this.listen();
    this.emitter.on("event", fn);
    return () => this.emitter.off("event", fn);
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
