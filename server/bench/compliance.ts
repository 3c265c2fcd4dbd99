/**
 * Compliance: every anomaly detector over 1,000,000 ledger entries and 100,000
 * requests (with their decisions, grants and executions, over 90 days and several
 * people), then the dashboard query for a 30-day period.
 */
import { asOwnerUnguarded } from "../testing/unguarded";
import path from "node:path";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { loadUserForSystem } from "../auth/sessions";
import { createCase } from "../cases/cases";
import { dashboard } from "../compliance/dashboard";
import { runDetectors } from "../compliance/findings";
import type { LedgerEventType } from "../ledger/events";
import { benchDatabase } from "./database";
import { type Figure, percentile, timed } from "./report";

const REQUESTS = 100_000;
const LEDGER = 1_000_000;

export async function complianceBench({
  dataDir,
  log,
}: {
  dataDir: string;
  log: (line: string) => void;
}): Promise<Figure[]> {
  const database = await benchDatabase(path.join(dataDir, "compliance"));
  const app = database.connect(database.appUrl, 4);
  const owner = database.connect(database.ownerUrl, 1);
  try {
    await seedDemo(app.db, "bench-password");
    await ensureActionTypes(app.db);
    const people = await app.sql<{ id: string }[]>`select id from users order by email`;
    const [lead] = await app.sql<
      { id: string }[]
    >`select id from users where email = 'ines.ortega@casefile.demo'`;
    const ines = await loadUserForSystem(app.db, lead?.id ?? "");
    const { id: caseId } = await createCase(app.db, ines, {
      title: "Bench case",
      summary: "",
      severity: 3,
      tlp: "amber",
    });
    const ids = `{${people.map((p) => p.id).join(",")}}`;
    log(
      `  writing ${REQUESTS.toLocaleString("en-US")} requests with decisions, grants and executions over 90 days…`,
    );
    await owner.sql`
      insert into action_requests (case_id, action_key, params, params_hash, justification, requested_minutes,
                                   status, requester_id, created_at, expires_at, decided_at)
      select ${caseId}, 'logs.query', '{}'::jsonb, md5(i::text) || md5((-i)::text), 'Bench request ' || i, 30,
             (array['approved','approved','denied','expired'])[1 + i % 4]::request_status,
             (${ids}::uuid[])[1 + i % ${people.length}], t, t + interval '1 hour', t + (i % 900) * interval '1 second'
      from generate_series(1, ${REQUESTS}) as i, lateral (select now() - i * interval '77 seconds' as t) c`;
    // Synthetic decisions have no ledger entries: written with the table's triggers off.
    await asOwnerUnguarded(
      owner.sql,
      ["approvals"],
      (sql) => sql`
      insert into approvals (request_id, approver_id, decision, comment, params_hash_seen, created_at)
      select id, (${ids}::uuid[])[1 + (abs(hashtext(id::text)) % ${people.length})],
             (case status when 'approved' then 'approve' else 'deny' end)::decision,
             case when random() < 0.5 then '' else 'Bench decision' end, params_hash, decided_at
      from action_requests where status in ('approved', 'denied')`,
    );
    await owner.sql`
      insert into grants (request_id, case_id, action_key, grantee_id, scope, not_before, expires_at, max_uses, uses, created_at)
      select id, case_id, action_key, requester_id, '{}'::jsonb, decided_at, decided_at + interval '30 minutes', 1,
             0, decided_at
      from action_requests where status = 'approved'`;
    // Issued unused; seven in ten were used once (the database lets uses grow only one at a time).
    await owner.sql`update grants set uses = uses + 1 where random() < 0.7`;
    await owner.sql`
      insert into executions (grant_id, case_id, action_key, params, executor_id, status, started_at, finished_at)
      select id, case_id, action_key, '{}'::jsonb, grantee_id, 'succeeded', not_before + interval '5 minutes', not_before + interval '5 minutes'
      from grants where uses = 1`;
    log(`  writing ${LEDGER.toLocaleString("en-US")} ledger entries…`);
    const types = `{${(
      [
        "request.created",
        "request.approved",
        "grant.created",
        "action.started",
        "action.succeeded",
        "timeline.event_added",
        "auth.sign_in",
        "action.denied_attempt",
        "request.self_approval_refused",
      ] satisfies LedgerEventType[]
    ).join(",")}}`;
    await owner.sql`
      insert into ledger_entries (seq, entry_id, body, leaf_hash, type, actor_id, case_key, at)
      select seq, entry_id, body, leaf, body::jsonb ->> 'type', body::jsonb -> 'actor' ->> 'id', body::jsonb ->> 'caseKey',
        body::jsonb ->> 'at'
      from (select i as seq, gen_random_uuid() as entry_id,
        json_build_object('v', 2, 'type', (${types}::text[])[1 + (case when i % 997 = 0 then 7 when i % 4999 = 0 then 8 else i % 7 end)],
          'at', to_char((now() - (${LEDGER} - i) * interval '7 seconds') at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          'actor', json_build_object('id', (${ids}::uuid[])[1 + i % ${people.length}], 'name', 'bench'),
          'subjects', json_build_array(gen_random_uuid()), 'payload', '{}'::json)::text as body,
        '\\x00'::bytea as leaf
      from generate_series(0, ${LEDGER - 1}) as i) as b`;
    await owner.sql`analyze`;

    const figures: Figure[] = [];
    const runs: number[] = [];
    let perDetector: { detector: string; ms: number; hits: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      perDetector = await runDetectors(app.db, { orgTimeZone: "UTC" });
      runs.push(performance.now() - started);
    }
    runs.sort((a, b) => a - b);
    figures.push({
      section: "compliance",
      name: "All detectors, 1,000,000 ledger entries and 100,000 requests (median of 3)",
      value: Math.round(runs[1] ?? NaN),
      unit: "ms",
      target: { op: "<=", value: 2000 },
    });
    for (const d of perDetector)
      figures.push({
        section: "compliance",
        name: `  detector ${d.detector}`,
        value: d.ms,
        unit: "ms",
        note: `${d.hits} hit(s)`,
      });
    const to = new Date();
    const from = new Date(to.getTime() - 30 * 86_400_000);
    const samples = await timed(100, () => dashboard(app.db, { from, to }));
    figures.push({
      section: "compliance",
      name: "Dashboard query, 30 days, p95",
      value: Math.round(percentile(samples, 95) * 10) / 10,
      unit: "ms",
      target: { op: "<=", value: 200 },
      note: `p50 ${Math.round(percentile(samples, 50) * 10) / 10} ms`,
    });
    return figures;
  } finally {
    await app.close();
    await owner.close();
    await database.stop();
  }
}
