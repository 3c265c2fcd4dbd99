/**
 * Three weeks of approval history for the demo, so the compliance dashboard and
 * detectors have something to show: most decisions read and commented, but Tom
 * approves Marcus's requests within seconds and without a word (rubber-stamping),
 * some of Marcus's grants go unused, and one break-glass was reviewed.
 * The rows are written with their past times; one ledger entry records the seeding
 * itself (the history did not happen through the app, so it has no entries of its own).
 */
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { appendLedger } from "../ledger/append";

type Row = { id: string };

export async function seedDemoHistory(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const one = async (query: ReturnType<typeof sql>) =>
      ((await tx.execute(query)) as unknown as Row[])[0]?.id ?? "";
    const user = (email: string) => one(sql`select id from users where email = ${email}`);
    const [ines, marcus, priya, tom] = await Promise.all(
      ["ines.ortega", "marcus.webb", "priya.raman", "tom.becker"].map((n) => user(`${n}@casefile.demo`)),
    );
    const caseId = await one(sql`select id from cases where title like 'Invoice phishing%' limit 1`);
    if (!caseId || !ines || !marcus || !priya || !tom) return 0;
    let made = 0;
    // Named in the seeding's ledger entry, so state reconciliation knows where these rows came from.
    const seeded = { approvals: [] as string[], grants: [] as { id: string; uses: number }[] };
    // Weekday d days ago at hour h (UTC), business hours.
    const at = (daysAgo: number, hour: number) =>
      sql`date_trunc('day', now() - make_interval(days => ${daysAgo})) + make_interval(hours => ${hour})`;
    const seed = async (s: {
      requester: string;
      approver: string | null;
      decision: "approve" | "deny" | null;
      daysAgo: number;
      hour: number;
      seconds: number;
      comment: string;
      uses: number;
      breakGlass?: boolean;
    }) => {
      const created = at(s.daysAgo, s.hour);
      const decided = sql`${created} + make_interval(secs => ${s.seconds})`;
      const status =
        s.breakGlass || s.decision === "approve" ? "approved" : s.decision === "deny" ? "denied" : "expired";
      const params = {
        table: "auth_logs",
        columns: ["ts", "username", "src_ip", "result"],
        subject: "j.doe@northwind-retail.example",
        from: "2026-10-01T00:00:00Z",
        to: "2026-10-02T00:00:00Z",
        rowCap: 500,
      };
      const requestId = await one(sql`
        insert into action_requests (case_id, action_key, params, params_hash, justification, requested_minutes, status,
          requester_id, break_glass, created_at, expires_at, decided_at, outcome_note)
        values (${caseId}, 'logs.query', ${JSON.stringify(params)}::jsonb, ${"0".repeat(64)},
          'Mailbox sign-ins of the phished user around the invoice wave.', 30, ${status}, ${s.requester},
          ${s.breakGlass ?? false}, ${created}, ${created} + interval '1 hour', ${status === "expired" ? null : decided},
          ${s.decision === "deny" ? s.comment : s.breakGlass ? "Finance director's mailbox was being emptied." : null})
        returning id`);
      if (s.approver && s.decision)
        seeded.approvals.push(
          await one(sql`insert into approvals (request_id, approver_id, decision, comment, params_hash_seen, created_at)
          values (${requestId}, ${s.approver}, ${s.decision}, ${s.comment}, ${"0".repeat(64)}, ${decided})
          returning id`),
        );
      if (status === "approved") {
        const grantId =
          await one(sql`insert into grants (request_id, case_id, action_key, grantee_id, scope, not_before, expires_at, max_uses, uses, break_glass, created_at)
          values (${requestId}, ${caseId}, 'logs.query', ${s.requester}, ${JSON.stringify(params)}::jsonb, ${decided},
            ${decided} + interval '30 minutes', 1, 0, ${s.breakGlass ?? false}, ${decided})
          returning id`);
        // Issued unused, like every grant; the database lets its uses grow one at a time.
        for (let use = 0; use < s.uses; use++)
          await tx.execute(sql`update grants set uses = uses + 1 where id = ${grantId}`);
        seeded.grants.push({ id: grantId, uses: s.uses });
        // Every use is an execution (as in the app): the query ran a few minutes after the grant.
        if (s.uses > 0)
          await tx.execute(sql`insert into executions (grant_id, case_id, action_key, params, executor_id, status, connector_name, summary, started_at, finished_at)
            values (${grantId}, ${caseId}, 'logs.query', ${JSON.stringify(params)}::jsonb, ${s.requester}, 'succeeded', 'evidence-store',
              'Returned 41 rows from auth_logs.', ${decided} + interval '4 minutes', ${decided} + interval '4 minutes 2 seconds')`);
      }
      if (s.breakGlass)
        await tx.execute(sql`insert into break_glass_reviews (request_id, opened_at, reviewer_id, verdict, note, reviewed_at)
          values (${requestId}, ${created}, ${priya}, 'justified', 'Confirmed with the finance director the next morning.', ${created} + interval '16 hours')`);
      made++;
    };
    // The fifteen most recent weekdays before today.
    const weekdays: number[] = [];
    for (let d = 1; weekdays.length < 15; d++)
      if (![0, 6].includes(new Date(Date.now() - d * 86_400_000).getUTCDay())) weekdays.push(d);
    for (const [i, d] of weekdays.slice(0, 8).entries())
      await seed({
        requester: marcus,
        approver: tom,
        decision: "approve",
        daysAgo: d,
        hour: 10 + (i % 5),
        seconds: 3 + (i % 5),
        comment: "",
        uses: i % 2,
      });
    for (const [i, d] of weekdays.slice(2, 12).entries())
      await seed({
        requester: ines,
        approver: priya,
        decision: "approve",
        daysAgo: d,
        hour: 9 + (i % 6),
        seconds: 300 + i * 200,
        comment: "Scope matches the case timeline.",
        uses: 1,
      });
    for (const d of weekdays.slice(12, 14))
      await seed({
        requester: ines,
        approver: tom,
        decision: "approve",
        daysAgo: d,
        hour: 13,
        seconds: 1500,
        comment: "Checked against the DLP alert; fine.",
        uses: 1,
      });
    for (const [i, d] of weekdays.slice(3, 6).entries())
      await seed({
        requester: marcus,
        approver: priya,
        decision: "approve",
        daysAgo: d,
        hour: 14,
        seconds: 900 + i * 60,
        comment: "Narrow enough; go ahead.",
        uses: 1,
      });
    for (const d of weekdays.slice(5, 7))
      await seed({
        requester: marcus,
        approver: priya,
        decision: "deny",
        daysAgo: d,
        hour: 11,
        seconds: 1200,
        comment: "Too wide: name the user and a shorter window.",
        uses: 0,
      });
    await seed({
      requester: ines,
      approver: null,
      decision: null,
      daysAgo: weekdays[4] ?? 7,
      hour: 15,
      seconds: 0,
      comment: "",
      uses: 1,
      breakGlass: true,
    });
    // Named by the case's key: case text never goes into the ledger.
    const caseKey = (
      (await tx.execute(sql`select key as id from cases where id = ${caseId}`)) as unknown as Row[]
    )[0]?.id;
    await appendLedger(tx, {
      type: "demo.history_seeded",
      actor: null,
      caseKey: caseKey ?? null,
      subjects: [caseId],
      payload: { requests: made, approvals: seeded.approvals, grants: seeded.grants },
    });
    return made;
  });
}
