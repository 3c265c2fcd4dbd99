import type { testDatabase } from "./db";

export type InboxEntry = {
  type: string;
  actor: { id: string; name: string } | null;
  subjects: string[];
  payload: Record<string, unknown>;
};

/** The ledger entries written so far (read as the schema owner: the app role may not read the inbox). */
export async function inboxEntries(t: Awaited<ReturnType<typeof testDatabase>>, type?: string) {
  const rows = await t.owner.sql<{ body: string }[]>`select body from ledger_inbox order by id`;
  const all = rows.map((r) => JSON.parse(r.body) as InboxEntry);
  return type ? all.filter((e) => e.type === type) : all;
}
