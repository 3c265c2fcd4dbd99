/**
 * A timeline event the application writes itself (an action's run, a system step),
 * inside the caller's transaction. The caller's ledger entry carries the returned
 * commitment to the event's text, so the event needs no entry of its own.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { timelineEvents, type EventSource } from "@/db/schema";
import { commitment, newSalt } from "../ledger/commitment";

export type SystemEvent = {
  caseId: string;
  source: Exclude<EventSource, "manual" | "import">;
  title: string;
  description: string;
  category: string;
  /** Whose doing the event records. */
  authorId: string;
};

/** Records the event at the database's now; returns its id and the commitment to its text. */
export async function recordSystemEvent(
  tx: Tx,
  input: SystemEvent,
): Promise<{ id: string; commitment: string }> {
  const text = { title: input.title, description: input.description };
  const salt = newSalt();
  const [event] = await tx
    .insert(timelineEvents)
    .values({
      caseId: input.caseId,
      occurredAt: sql`now()`,
      source: input.source,
      ...text,
      salt,
      category: input.category,
      authorId: input.authorId,
    })
    .returning({ id: timelineEvents.id });
  if (!event) throw new Error("timeline event not recorded");
  return { id: event.id, commitment: commitment("event", salt, text) };
}
