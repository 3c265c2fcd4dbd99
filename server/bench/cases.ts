/**
 * Case figures: a case with 100,000 timeline events; the first page (50 events)
 * filtered by an entity, served through the tRPC HTTP handler, against the same
 * SQL run directly on the same connection pool.
 */
import path from "node:path";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { seedDemo } from "../demo/seed";
import { openCase } from "../cases/access";
import { createCase } from "../cases/cases";
import { addEntity } from "../cases/entities";
import { loadUserForSystem } from "../auth/sessions";
import { createContextInner } from "../trpc/init";
import { appRouter } from "../trpc/routers/_app";
import { benchDatabase } from "./database";
import { type Figure, percentile, timed } from "./report";

const EVENTS = 100_000;
const RUNS = 300;

export async function casesBench({
  dataDir,
  log,
}: {
  dataDir: string;
  log: (line: string) => void;
}): Promise<Figure[]> {
  const database = await benchDatabase(path.join(dataDir, "cases"));
  const app = database.connect(database.appUrl, 4);
  try {
    await seedDemo(app.db, "bench-password");
    const [lead] = await app.sql<
      { id: string }[]
    >`select id from users where email = 'ines.ortega@casefile.demo'`;
    if (!lead) throw new Error("no demo lead");
    const user = await loadUserForSystem(app.db, lead.id);
    const { id: caseId } = await createCase(app.db, user, {
      title: "Bench case",
      summary: "",
      severity: 3,
      tlp: "amber",
    });
    const access = await openCase(app.db, user, caseId);
    const { id: entityId } = await addEntity(app.db, access, { kind: "ip", value: "203.0.113.47" });
    await addEntity(app.db, access, { kind: "host", value: "ws-sup-017" });

    log(`  writing ${EVENTS.toLocaleString("en-US")} timeline events…`);
    await app.sql`
      insert into timeline_events (case_id, occurred_at, source, title, description, category, author_id)
      select ${caseId}, timestamptz '2026-11-01T00:00:00Z' + (i * interval '7 seconds'), 'import',
             'Event ' || i || ': ' || (array['login failure','login success','process start','dns query','flow'])[1 + i % 5],
             'Synthetic event number ' || i, (array['credential-access','discovery','exfiltration'])[1 + i % 3], ${lead.id}
      from generate_series(1, ${EVENTS}) as i`;
    // The attacker address appears in one event in 20, spread across the whole range.
    await app.sql`
      insert into event_entities (event_id, entity_id, relation)
      select id, ${entityId}, 'actor' from timeline_events where case_id = ${caseId} and random() < 0.05`;
    // As autovacuum would, soon after: the owner analyzes (the application role may not).
    const owner = database.connect(database.ownerUrl, 1);
    await owner.sql`analyze timeline_events, event_entities`;
    await owner.close();

    const input = superjson.serialize({ caseId, entityId, limit: 50 });
    const url = `http://casefile.bench/api/trpc/cases.timeline.list?input=${encodeURIComponent(JSON.stringify(input))}`;
    const meta = { requestId: "bench", ip: "127.0.0.1", userAgent: "bench" };
    const viaTrpc = async () => {
      const response = await fetchRequestHandler({
        endpoint: "/api/trpc",
        req: new Request(url),
        router: appRouter,
        createContext: () => createContextInner({ db: app.db, user, meta }),
      });
      if (!response.ok) throw new Error(`tRPC answered ${response.status}: ${await response.text()}`);
      const body = (await response.json()) as { result: { data: { json: { events: unknown[] } } } };
      if (body.result.data.json.events.length !== 50) throw new Error("expected a full page");
    };
    const direct = async () => {
      const page = await app.sql<{ id: string }[]>`
        select e.id, e.occurred_at, e.recorded_at, e.source, e.title, e.description, e.category,
               e.attack_technique, e.starred, e.raw, u.name
        from timeline_events e join users u on u.id = e.author_id
        where e.case_id = ${caseId}
          and exists (select 1 from event_entities ee where ee.event_id = e.id and ee.entity_id = ${entityId})
        order by e.occurred_at, e.id limit 51`;
      await app.sql`
        select ee.event_id, ee.relation, en.id, en.kind, en.value, en.role
        from event_entities ee join entities en on en.id = ee.entity_id
        where en.case_id = ${caseId} and ee.event_id = any(${page.slice(0, 50).map((r) => r.id)}::uuid[])`;
    };
    log(`  ${RUNS} first-page requests through tRPC, then the same SQL directly…`);
    const trpcMs = await timed(RUNS, viaTrpc);
    const sqlMs = await timed(RUNS, direct);
    const p95 = percentile(trpcMs, 95);
    return [
      {
        section: "cases",
        name: "timeline first page (50, entity filter), tRPC p50",
        value: percentile(trpcMs, 50),
        unit: "ms",
        note: `${EVENTS.toLocaleString("en-US")} events in the case`,
      },
      {
        section: "cases",
        name: "timeline first page, tRPC p95",
        value: p95,
        unit: "ms",
        target: { op: "<=", value: 50 },
      },
      { section: "cases", name: "same SQL run directly, p95", value: percentile(sqlMs, 95), unit: "ms" },
      { section: "cases", name: "tRPC p95 / direct SQL p95", value: p95 / percentile(sqlMs, 95), unit: "×" },
    ];
  } finally {
    await app.close();
    await database.stop();
  }
}
