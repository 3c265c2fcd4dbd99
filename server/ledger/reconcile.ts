/**
 * State reconciliation: replays the ledger and compares it with the tables it describes. Every
 * grant's uses equal the uses its `action.started` (or `action.queued`) entries record; every
 * grant, revocation, approval, role, membership and case status has the entry that made it, and
 * matches it; no row exists without its entry, and no entry's row has gone. Entries still waiting in the inbox count (read in the
 * same snapshot as the tables), so work in flight is no mismatch.
 */
import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { readEntry } from "./entry";
import { isLedgerEventType, type LedgerEventType } from "./events";

export type Mismatch = {
  table: string;
  /** The row's key (id, or user/role, case/user). */
  row: string;
  /** The entry it was compared with: `seq 42`, `pending <entry id>`, or null when none exists. */
  entry: string | null;
  problem: string;
};

export type StateReport = { ok: boolean; entries: number; rows: number; mismatches: Mismatch[] };

type Entry = {
  ref: string;
  type: LedgerEventType;
  actorId: string | null;
  subjects: string[];
  payload: Record<string, unknown>;
};

const TYPES: LedgerEventType[] = [
  "action.started",
  "action.queued",
  "grant.created",
  "grant.revoked",
  "request.approved",
  "request.narrowed",
  "request.denied",
  "user.role_granted",
  "user.role_revoked",
  "case.created",
  "case.member_added",
  "case.member_changed",
  "case.member_removed",
  "case.status_changed",
  "demo.history_seeded",
];

function parse(ref: string, body: string): Entry | null {
  const e = readEntry(body);
  if (!e || !isLedgerEventType(e.type)) return null;
  return { ref, type: e.type, actorId: e.actor?.id ?? null, subjects: e.subjects, payload: e.payload };
}

async function readEntries(tx: Tx): Promise<Entry[]> {
  const logged = await tx.execute<{ seq: string; body: string }>(
    sql`select seq, body from ledger_entries where type = any(${`{${TYPES.join(",")}}`}::text[]) order by seq`,
  );
  const pending = await tx.execute<{ entry_id: string; body: string }>(
    sql`select entry_id, body from ledger_pending_entries()`,
  );
  const entries: Entry[] = [];
  for (const r of logged) {
    const e = parse(`seq ${r.seq}`, r.body);
    if (e) entries.push(e);
  }
  for (const r of pending) {
    const e = parse(`pending ${r.entry_id}`, r.body);
    if (e && TYPES.includes(e.type)) entries.push(e);
  }
  return entries;
}

/** Replays the ledger against the tables in one consistent snapshot. */
export async function reconcileState(db: Db): Promise<StateReport> {
  return db.transaction(
    async (tx) => {
      const entries = await readEntries(tx);
      const out: Mismatch[] = [];
      const miss = (table: string, row: string, entry: string | null, problem: string) =>
        out.push({ table, row, entry, problem });
      const byType = (...types: LedgerEventType[]) => entries.filter((e) => types.includes(e.type));
      const demo = byType("demo.history_seeded");
      const demoApprovals = new Set(demo.flatMap((e) => (e.payload.approvals as string[] | undefined) ?? []));
      const demoGrants = new Map(
        demo.flatMap((e) =>
          ((e.payload.grants as { id: string; uses: number }[] | undefined) ?? []).map((g) => [g.id, g]),
        ),
      );
      let rows = 0;

      // Grants: created, used and revoked as the ledger says.
      const started = new Map<string, string[]>();
      // The entry written in the transaction that spent a use carries `use`: `action.started`, or
      // `action.queued` for a run a connector carries out later (its own `action.started` follows).
      for (const e of byType("action.started", "action.queued")) {
        const grantId = e.payload.use === undefined ? undefined : e.subjects[1];
        if (grantId) started.set(grantId, [...(started.get(grantId) ?? []), e.ref]);
      }
      const created = new Map(byType("grant.created").map((e) => [e.subjects[0] ?? "", e]));
      const revoked = new Map(byType("grant.revoked").map((e) => [e.subjects[0] ?? "", e]));
      const grants = await tx.execute<{
        id: string;
        grantee_id: string;
        action_key: string;
        max_uses: number;
        uses: number;
        revoked: boolean;
      }>(
        sql`select id, grantee_id, action_key, max_uses, uses, revoked_at is not null as revoked from grants`,
      );
      const grantIds = new Set<string>();
      for (const g of grants) {
        rows++;
        grantIds.add(g.id);
        const seeded = demoGrants.get(g.id);
        const c = created.get(g.id);
        const uses = started.get(g.id) ?? [];
        if (!c && !seeded) miss("grants", g.id, null, "no grant.created entry issued this grant");
        if (c) {
          const p = c.payload;
          if (p.granteeId !== g.grantee_id || p.maxUses !== g.max_uses || p.actionKey !== g.action_key)
            miss("grants", g.id, c.ref, "grantee, action or max uses differ from the entry that issued it");
        }
        const expected = seeded ? seeded.uses : uses.length;
        if (g.uses !== expected)
          miss(
            "grants",
            g.id,
            uses.at(-1) ?? c?.ref ?? null,
            `uses is ${g.uses} but the ledger records ${expected} ${expected === 1 ? "use" : "uses"} (action.started entries)`,
          );
        const r = revoked.get(g.id);
        if (g.revoked && !r) miss("grants", g.id, null, "revoked without a grant.revoked entry");
        if (!g.revoked && r) miss("grants", g.id, r.ref, "the ledger revoked it but the row is not revoked");
      }
      for (const [id, e] of created)
        if (!grantIds.has(id)) miss("grants", id, e.ref, "the entry issued this grant but the row is gone");

      // Approvals: one decision entry per row, by the approver, with the same decision.
      const decisions = new Map<string, Entry>();
      for (const e of byType("request.approved", "request.narrowed", "request.denied"))
        decisions.set(`${e.subjects[0] ?? ""}/${e.actorId ?? ""}`, e);
      const approvals = await tx.execute<{
        id: string;
        request_id: string;
        approver_id: string;
        decision: string;
      }>(sql`select id, request_id, approver_id, decision::text from approvals`);
      const decided = new Set<string>();
      for (const a of approvals) {
        rows++;
        const key = `${a.request_id}/${a.approver_id}`;
        decided.add(key);
        if (demoApprovals.has(a.id)) continue;
        const e = decisions.get(key);
        if (!e) miss("approvals", a.id, null, "no decision entry by this approver on this request");
        else if ((e.type === "request.denied" ? "deny" : "approve") !== a.decision)
          miss("approvals", a.id, e.ref, `the row says ${a.decision} but the entry is ${e.type}`);
      }
      for (const [key, e] of decisions)
        if (!decided.has(key))
          miss("approvals", key, e.ref, "the entry records this decision but the row is gone");

      // Roles and memberships: the replayed state equals the table.
      const roles = new Map<string, Entry>();
      for (const e of byType("user.role_granted", "user.role_revoked")) {
        const key = `${e.subjects[0] ?? ""}/${String(e.payload.role)}`;
        if (e.type === "user.role_granted") roles.set(key, e);
        else roles.delete(key);
      }
      const held = await tx.execute<{ user_id: string; role: string }>(
        sql`select user_id, role::text from user_roles`,
      );
      const heldKeys = new Set<string>();
      for (const r of held) {
        rows++;
        const key = `${r.user_id}/${r.role}`;
        heldKeys.add(key);
        if (!roles.has(key)) miss("user_roles", key, null, "role held without a user.role_granted entry");
      }
      for (const [key, e] of roles)
        if (!heldKeys.has(key))
          miss("user_roles", key, e.ref, "the ledger granted this role but the row is gone");

      const members = new Map<string, { access: string; e: Entry }>();
      for (const e of byType(
        "case.created",
        "case.member_added",
        "case.member_changed",
        "case.member_removed",
      )) {
        const caseId = e.subjects[0] ?? "";
        if (e.type === "case.created") {
          const named = e.subjects.slice(1);
          for (const userId of named.length ? named : [e.actorId ?? ""])
            members.set(`${caseId}/${userId}`, { access: "write", e });
        } else if (e.type === "case.member_removed") members.delete(`${caseId}/${e.subjects[1] ?? ""}`);
        else members.set(`${caseId}/${e.subjects[1] ?? ""}`, { access: String(e.payload.access), e });
      }
      const memberRows = await tx.execute<{ case_id: string; user_id: string; access: string }>(
        sql`select case_id, user_id, access::text from case_members`,
      );
      const memberKeys = new Set<string>();
      for (const m of memberRows) {
        rows++;
        const key = `${m.case_id}/${m.user_id}`;
        memberKeys.add(key);
        const expected = members.get(key);
        if (!expected) miss("case_members", key, null, "membership without the entry that added it");
        else if (expected.access !== m.access)
          miss(
            "case_members",
            key,
            expected.e.ref,
            `access is ${m.access} but the ledger says ${expected.access}`,
          );
      }
      for (const [key, { e }] of members)
        if (!memberKeys.has(key))
          miss("case_members", key, e.ref, "the ledger added this member but the row is gone");

      // Case status: what the last status entry set (a new case starts as "new").
      const status = new Map<string, { to: string; e: Entry }>();
      for (const e of byType("case.created", "case.status_changed"))
        status.set(e.subjects[0] ?? "", { to: e.type === "case.created" ? "new" : String(e.payload.to), e });
      const caseRows = await tx.execute<{ id: string; status: string }>(
        sql`select id, status::text from cases`,
      );
      for (const c of caseRows) {
        rows++;
        const s = status.get(c.id);
        if (!s) miss("cases", c.id, null, "case without a case.created entry");
        else if (s.to !== c.status)
          miss("cases", c.id, s.e.ref, `status is ${c.status} but the ledger says ${s.to}`);
      }
      return { ok: out.length === 0, entries: entries.length, rows, mismatches: out };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

export function describeMismatch(m: Mismatch): string {
  return `${m.table} ${m.row}: ${m.problem}${m.entry ? ` (${m.entry})` : ""}`;
}
