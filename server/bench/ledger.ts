/**
 * Ledger figures (issue: tamper-evident audit ledger):
 * - appends through `appendLedger` in transactions by 32 concurrent writers,
 *   with the integrator running, against the same transactions doing one plain
 *   INSERT instead; integration and checkpoint lag;
 * - offline verification of a 1,000,000-entry export against raw SHA-256.
 */
import { hash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { once } from "node:events";
import path from "node:path";
import { sql } from "drizzle-orm";
import { appendLedger } from "../ledger/append";
import { canonicalize } from "../ledger/canonical";
import type { LedgerEventType } from "../ledger/events";
import { generateSignerKey, parseSignerKey, parseVerifierKey, signCheckpoint } from "../ledger/checkpoint";
import { verifyExport, type ExportHeader } from "../ledger/export";
import { LedgerIntegrator } from "../ledger/integrator";
import { Frontier, leafHash } from "../ledger/merkle";
import { verifyStoredLedger } from "../ledger/verify-db";
import { benchDatabase } from "./database";
import type { Figure } from "./report";

const ORIGIN = "casefile.bench/ledger";
const WRITERS = 32;
const APPENDS = 20_000;
const OFFLINE_ENTRIES = 1_000_000;

/** Runs `count` jobs over `writers` concurrent loops; returns elapsed seconds. */
async function concurrently(count: number, writers: number, job: (i: number) => Promise<unknown>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = next++; i < count; i = next++) await job(i);
    }),
  );
  return (performance.now() - started) / 1000;
}

const actor = { id: "00000000-0000-4000-8000-000000000001", name: "Bench Writer" };
// A typical entry of the catalogue, so appends pay for their payload check as the application's do.
const BENCH_TYPE: LedgerEventType = "request.cancelled";
const payloadFor = (i: number) => ({ actionKey: "logs.query", reason: `${randomUUID()} ${i}` });

async function appendFigures(dataDir: string, log: (line: string) => void): Promise<Figure[]> {
  const database = await benchDatabase(path.join(dataDir, "ledger"));
  const owner = database.connect(database.ownerUrl, 1);
  const app = database.connect(database.appUrl, WRITERS);
  const ledgerDb = database.connect(database.ledgerUrl, 2);
  const signer = parseSignerKey(generateSignerKey(ORIGIN));
  const integrator = new LedgerIntegrator({ db: ledgerDb.db, signer, origin: ORIGIN, log });
  try {
    await owner.sql`create table bench_plain (id bigint generated always as identity primary key, entry_id uuid not null unique, body text not null)`;
    await owner.sql`grant insert on bench_plain to casefile_app`;

    const plain = (i: number) =>
      app.db.transaction((tx) =>
        tx.execute(
          sql`insert into bench_plain (entry_id, body) values (${randomUUID()}, ${JSON.stringify({ type: BENCH_TYPE, actor, payload: payloadFor(i) })})`,
        ),
      );
    const append = (i: number) =>
      app.db.transaction((tx) =>
        appendLedger(tx, { type: BENCH_TYPE, actor, subjects: [actor.id], payload: payloadFor(i) }),
      );

    integrator.start();
    await concurrently(1000, WRITERS, plain); // warm-up: connections, plans
    await concurrently(1000, WRITERS, append);
    await integrator.drain();

    const bare = (i: number) =>
      app.sql`insert into bench_plain (entry_id, body) values (${randomUUID()}, ${JSON.stringify({ n: i })})`;
    log(`  ${APPENDS} bare autocommit INSERTs (the machine's ceiling), ${WRITERS} writers…`);
    const bareSeconds = await concurrently(APPENDS, WRITERS, bare);
    log(`  ${APPENDS} plain single-row INSERT transactions, ${WRITERS} writers…`);
    const plainSeconds = await concurrently(APPENDS, WRITERS, plain);
    log(`  ${APPENDS} ledger appends, ${WRITERS} writers, integrator running…`);
    const appendSeconds = await concurrently(APPENDS, WRITERS, append);
    const settleStart = performance.now();
    for (;;) {
      const [row] = await app.sql<{ n: number }[]>`select count(*)::int as n from ledger_entries`;
      const [cp] = await app.sql<
        { size: number | null }[]
      >`select max(size)::int as size from ledger_checkpoints`;
      if (row?.n === APPENDS + 1000 && cp?.size === row.n) break;
      if (performance.now() - settleStart > 60_000)
        throw new Error("the integrator did not catch up within 60 s");
      await new Promise((r) => setTimeout(r, 20));
    }
    await integrator.stop();

    const [lag] = await app.sql<{ i50: number; i99: number; c99: number }[]>`
      with measured as (
        select extract(epoch from e.integrated_at - e.at::timestamptz) as integrated,
               extract(epoch from c.created_at - e.at::timestamptz) as covered
        from ledger_entries e
        cross join lateral (
          select created_at from ledger_checkpoints c where c.size > e.seq order by c.size limit 1
        ) c
        where e.type = ${BENCH_TYPE} and e.seq >= 1000)
      select percentile_cont(0.5) within group (order by integrated) as i50,
             percentile_cont(0.99) within group (order by integrated) as i99,
             percentile_cont(0.99) within group (order by covered) as c99
      from measured`;
    const run = verifyStoredLedger(app.db, {
      verifier: parseVerifierKey(signer.verifierKey),
      origin: ORIGIN,
      outsideNotes: [],
    });
    let step = await run.next();
    while (!step.done) step = await run.next();
    if (!step.value.ok)
      throw new Error(`the bench ledger does not verify: ${step.value.problems[0]?.message}`);
    log(
      `  the bench ledger verifies: ${step.value.entries} entries, ${step.value.checkpointsChecked} checkpoints`,
    );

    const appendRate = APPENDS / appendSeconds;
    const plainRate = APPENDS / plainSeconds;
    return [
      {
        section: "ledger",
        name: `appends committed, ${WRITERS} concurrent writers`,
        value: appendRate,
        unit: "entries/s",
        target: { op: ">=", value: 5000 },
      },
      {
        section: "ledger",
        name: `plain single-row INSERT transactions, ${WRITERS} writers`,
        value: plainRate,
        unit: "rows/s",
      },
      {
        section: "ledger",
        name: `bare autocommit INSERTs, ${WRITERS} writers`,
        value: APPENDS / bareSeconds,
        unit: "rows/s",
        note: "no transaction block, no ORM: the ceiling for durable single-row commits here",
      },
      {
        section: "ledger",
        name: "append rate / plain INSERT rate",
        value: appendRate / plainRate,
        unit: "×",
        target: { op: ">=", value: 0.6 },
      },
      { section: "ledger", name: "integration lag p50", value: (lag?.i50 ?? NaN) * 1000, unit: "ms" },
      {
        section: "ledger",
        name: "integration lag p99",
        value: (lag?.i99 ?? NaN) * 1000,
        unit: "ms",
        target: { op: "<=", value: 1000 },
      },
      {
        section: "ledger",
        name: "lag until covered by a signed checkpoint, p99",
        value: (lag?.c99 ?? NaN) * 1000,
        unit: "ms",
      },
    ];
  } finally {
    await integrator.stop();
    await Promise.all([owner.close(), app.close(), ledgerDb.close()]);
    await database.stop();
  }
}

/** Writes a synthetic export of `count` realistic entries, a checkpoint every 4,096. */
async function writeSyntheticExport(file: string, count: number) {
  const signer = parseSignerKey(generateSignerKey(ORIGIN));
  const frontier = new Frontier();
  const notes: string[] = [];
  const lines: string[] = [];
  const start = Date.parse("2026-11-01T00:00:00Z");
  for (let seq = 0; seq < count; seq++) {
    const body = canonicalize({
      v: 1,
      id: randomUUID(),
      type: "approval.decided",
      at: new Date(start + seq * 7).toISOString(),
      actor,
      caseId: "CASE-2026-0042",
      subjects: [randomUUID(), randomUUID()],
      payload: payloadFor(seq),
      request: { id: randomUUID(), ip: "10.20.30.40", userAgent: "Mozilla/5.0 (X11; Linux x86_64)" },
    });
    frontier.append(leafHash(Buffer.from(body, "utf8")));
    lines.push(`${seq}\t${body}\n`);
    if (frontier.size % 4096 === 0 || seq === count - 1) {
      notes.push(signCheckpoint({ origin: ORIGIN, size: frontier.size, root: frontier.root() }, signer));
    }
  }
  const header: ExportHeader = {
    format: "casefile-ledger-export",
    version: 1,
    origin: ORIGIN,
    verifierKey: signer.verifierKey,
    checkpoints: notes,
  };
  const out = createWriteStream(file);
  out.write(JSON.stringify(header) + "\n");
  for (let i = 0; i < lines.length; i += 10_000) {
    if (!out.write(lines.slice(i, i + 10_000).join(""))) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return signer.verifierKey;
}

async function offlineFigures(dataDir: string, log: (line: string) => void): Promise<Figure[]> {
  const file = path.join(dataDir, "ledger-1m.export");
  log(`  writing a synthetic export of ${OFFLINE_ENTRIES.toLocaleString("en-US")} entries…`);
  const key = await writeSyntheticExport(file, OFFLINE_ENTRIES);

  const started = performance.now();
  const report = await verifyExport(file, { trustedKey: key });
  const verifySeconds = (performance.now() - started) / 1000;
  if (!report.ok || report.entries !== OFFLINE_ENTRIES)
    throw new Error("the synthetic export did not verify");

  const bodies = (await readFile(file, "utf8"))
    .split("\n")
    .slice(1, -1)
    .map((line) => Buffer.from(line.slice(line.indexOf("\t") + 1), "utf8"));
  const hashStart = performance.now();
  for (const body of bodies) hash("sha256", body, "buffer");
  const hashSeconds = (performance.now() - hashStart) / 1000;
  const megabytes = bodies.reduce((n, b) => n + b.length, 0) / 1e6;

  return [
    {
      section: "ledger",
      name: "offline verification of 1,000,000 entries",
      value: verifySeconds,
      unit: "s",
      target: { op: "<=", value: 5 },
      note: `${Math.round(megabytes)} MB, ${report.checkpointsChecked} checkpoints`,
    },
    {
      section: "ledger",
      name: "offline verification rate",
      value: OFFLINE_ENTRIES / verifySeconds,
      unit: "entries/s",
    },
    {
      section: "ledger",
      name: "raw SHA-256 of the same entry bytes",
      value: hashSeconds,
      unit: "s",
      note: "a Buffer digest per entry; verification keeps digests as text, which allocates less",
    },
    {
      section: "ledger",
      name: "verification time / raw SHA-256 time",
      value: verifySeconds / hashSeconds,
      unit: "×",
    },
  ];
}

export async function ledgerBench({ dataDir, log }: { dataDir: string; log: (line: string) => void }) {
  return [...(await appendFigures(dataDir, log)), ...(await offlineFigures(dataDir, log))];
}
