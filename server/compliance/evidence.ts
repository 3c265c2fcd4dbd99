/** The rows behind a finding, loaded from the ids its evidence names. */
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { type Evidence, rows } from "./detectors";

const uuids = (v: string[] | undefined) =>
  sql`${`{${(v ?? []).filter((id) => /^[0-9a-f-]{36}$/i.test(id)).join(",")}}`}::uuid[]`;

export async function evidenceRows(db: DbOrTx, e: Evidence) {
  const [requests, approvals, grants, executions, ledger] = await Promise.all([
    rows<{
      id: string;
      action_key: string;
      case_key: string;
      requester: string;
      status: string;
      break_glass: boolean;
      created_at: string;
    }>(
      db,
      sql`select r.id, r.action_key, c.key as case_key, u.name as requester, r.status::text, r.break_glass, r.created_at
          from action_requests r join cases c on c.id = r.case_id join users u on u.id = r.requester_id
          where r.id = any(${uuids(e.requests)}) order by r.created_at desc`,
    ),
    rows<{
      id: string;
      request_id: string;
      case_key: string;
      action_key: string;
      approver: string;
      requester: string;
      decision: string;
      comment: string;
      seconds: number;
      created_at: string;
    }>(
      db,
      sql`select a.id, a.request_id, (select key from cases where id = r.case_id) as case_key, r.action_key, au.name as approver, ru.name as requester, a.decision::text, a.comment,
            round(extract(epoch from a.created_at - r.created_at))::int as seconds, a.created_at
          from approvals a join action_requests r on r.id = a.request_id
          join users au on au.id = a.approver_id join users ru on ru.id = r.requester_id
          where a.id = any(${uuids(e.approvals)}) order by a.created_at desc`,
    ),
    rows<{
      id: string;
      action_key: string;
      grantee: string;
      minutes: number;
      uses: number;
      max_uses: number;
      created_at: string;
    }>(
      db,
      sql`select g.id, g.action_key, u.name as grantee, round(extract(epoch from g.expires_at - g.not_before) / 60)::int as minutes,
            g.uses, g.max_uses, g.created_at
          from grants g join users u on u.id = g.grantee_id where g.id = any(${uuids(e.grants)}) order by g.created_at desc`,
    ),
    rows<{
      id: string;
      action_key: string;
      executor: string;
      status: string;
      summary: string | null;
      started_at: string;
    }>(
      db,
      sql`select x.id, x.action_key, u.name as executor, x.status::text, x.summary, x.started_at
          from executions x join users u on u.id = x.executor_id where x.id = any(${uuids(e.executions)}) order by x.started_at desc`,
    ),
    rows<{ seq: number; type: string; at: string }>(
      db,
      sql`select seq::int, type, at from ledger_entries where seq = any(${`{${(e.ledger ?? []).map(Number).filter(Number.isInteger).join(",")}}`}::bigint[]) order by seq desc`,
    ),
  ]);
  return { requests, approvals, grants, executions, ledger };
}
