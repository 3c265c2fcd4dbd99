import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testDatabase } from "../testing/db";
import { canonicalize, type JsonValue } from "./canonical";
import { leafHash } from "./merkle";
import { generateSignerKey, parseSignerKey, signCheckpoint } from "./checkpoint";
import { DomainError } from "../errors";
import { proveConsistency, proveInclusion } from "./explorer";
import { appendSigned, appendTestEntry, TEST_ORIGIN, testIntegrator } from "./testing";
import { verifyStoredLedger } from "./verify-db";
import type { VerifyReport } from "./verify";

const t = await testDatabase();
const ledger = await testIntegrator(t.ledger.db);

async function drainReport(
  db: typeof t.db,
  verifier = ledger.verifier,
  outsideNotes: string[] = [],
): Promise<VerifyReport> {
  const run = verifyStoredLedger(db, { verifier, origin: TEST_ORIGIN, outsideNotes });
  for (;;) {
    const step = await run.next();
    if (step.done) return step.value;
  }
}

async function errorOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "no error",
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
}

describe("ledger append", () => {
  it("writes nothing when the business transaction rolls back", async () => {
    await t.db
      .transaction(async (tx) => {
        await appendTestEntry(tx, { type: "test.rolled_back", actor: null });
        throw new Error("business failure");
      })
      .catch(() => undefined);
    await ledger.integrator.drain();
    const [row] = await t.sql`select count(*)::int as n from ledger_entries where type = 'test.rolled_back'`;
    expect(row?.n).toBe(0);
  });

  it("writes canonical JSON stamped with the database's clock, matching its receipt", async () => {
    const receipt = await appendTestEntry(t.db, {
      type: "test.canonical",
      actor: { id: "u-1", name: 'Zoë "Z" Ångström' },
      caseKey: "CASE-2026-0001",
      subjects: ["b", "a"],
      payload: { z: 1, a: [true, null, 1.5], é: "\u2028" },
      request: { requestId: "r-1", ip: "10.0.0.1", userAgent: "test" },
    });
    const [row] = await t.ledger.sql<{ body: string; now: number }[]>`
      select body, (extract(epoch from now()) * 1000)::float8 as now from ledger_inbox
      where entry_id = ${receipt.entryId}`;
    const body = row?.body ?? "";
    expect(canonicalize(JSON.parse(body) as JsonValue)).toBe(body);
    expect(leafHash(Buffer.from(body, "utf8")).toString("hex")).toBe(receipt.leafHash);
    const at = Date.parse((JSON.parse(body) as { at: string }).at);
    expect(Math.abs(at - (row?.now ?? 0))).toBeLessThan(60_000);
    await ledger.integrator.drain();
  });

  it("gives each of 32 concurrent writers' commits exactly one entry, densely numbered", async () => {
    const before = (await t.sql`select count(*)::int as n from ledger_entries`)[0]?.n as number;
    const receipts = await Promise.all(
      Array.from({ length: 32 }, (_, w) =>
        t.db.transaction(async (tx) => {
          const out = [];
          for (let i = 0; i < 10; i++)
            out.push(await appendTestEntry(tx, { type: "test.concurrent", actor: null, payload: { w, i } }));
          return out;
        }),
      ),
    );
    ledger.integrator.start({ pollMs: 10 });
    await ledger.integrator.drain();
    await ledger.integrator.stop();
    const rows = await t.sql<{ seq: string; entry_id: string; leaf_hash: Buffer }[]>`
      select seq, entry_id, leaf_hash from ledger_entries order by seq`;
    expect(rows).toHaveLength(before + 320);
    rows.forEach((r, i) => expect(Number(r.seq)).toBe(i));
    const byId = new Map(rows.map((r) => [r.entry_id, r.leaf_hash.toString("hex")]));
    for (const receipt of receipts.flat()) expect(byId.get(receipt.entryId)).toBe(receipt.leafHash);
    const report = await drainReport(t.db);
    expect(report).toMatchObject({ ok: true, entries: before + 320, unsignedTail: 0 });
  });

  it("proves inclusion of an entry and consistency between checkpoints", async () => {
    const cps = await t.sql<{ size: string }[]>`select size from ledger_checkpoints order by size`;
    const proof = await proveInclusion(t.db, ledger.verifier, 5);
    expect(proof).toMatchObject({
      seq: 5,
      included: true,
      signatureValid: true,
      verified: true,
      leafMatchesStored: true,
    });
    const [first, last] = [Number(cps[0]?.size), Number(cps.at(-1)?.size)];
    const consistency = await proveConsistency(t.db, ledger.verifier, first, last);
    expect(consistency.verified).toBe(true);
  });

  it("answers a consistency proof for a size that was never signed with NOT_FOUND naming the size", async () => {
    const cps = await t.sql<{ size: string }[]>`select size from ledger_checkpoints order by size`;
    const last = Number(cps.at(-1)?.size);
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => "no error",
        (e: unknown) => (e instanceof DomainError ? `${e.code} ${e.field ?? ""}` : String(e)),
      );
    expect(await codeOf(proveConsistency(t.db, ledger.verifier, last + 1_000, last + 2_000))).toBe(
      "NOT_FOUND size1",
    );
    expect(await codeOf(proveConsistency(t.db, ledger.verifier, last, last + 1_000))).toBe("NOT_FOUND size2");
  });

  it("copies every checkpoint outside the database", async () => {
    const lines = (await readFile(path.join(ledger.checkpointDir, "checkpoints.jsonl"), "utf8"))
      .trim()
      .split("\n");
    const [stored] = await t.sql`select count(*)::int as n from ledger_checkpoints`;
    expect(lines).toHaveLength(stored?.n as number);
    const latest = await readFile(path.join(ledger.checkpointDir, "latest"), "utf8");
    expect(latest.startsWith(`${TEST_ORIGIN}\n`)).toBe(true);
  });
});

describe("ledger protection in the database", () => {
  it("lets the application role only insert into the inbox and read the log", async () => {
    expect(await errorOf(t.sql`update ledger_entries set body = body where seq = 0`)).toMatch(
      /permission denied/,
    );
    expect(await errorOf(t.sql`delete from ledger_entries where seq = 0`)).toMatch(/permission denied/);
    expect(await errorOf(t.sql`truncate ledger_entries`)).toMatch(/permission denied/);
    expect(
      await errorOf(
        t.sql`insert into ledger_entries (seq, entry_id, body, leaf_hash) values (999999, gen_random_uuid(), '{}', '\\x00')`,
      ),
    ).toMatch(/permission denied/);
    expect(await errorOf(t.sql`delete from ledger_inbox`)).toMatch(/permission denied/);
    expect(await errorOf(t.sql`delete from ledger_checkpoints`)).toMatch(/permission denied/);
    expect(await errorOf(t.sql`select count(*) from ledger_entries`)).toBe("no error");
  });

  it("refuses UPDATE, DELETE and TRUNCATE even for the integrator's role and the owner", async () => {
    for (const conn of [t.ledger.sql, t.owner.sql]) {
      expect(await errorOf(conn`update ledger_entries set body = body where seq = 0`)).toMatch(
        /append-only|permission denied/,
      );
      expect(await errorOf(conn`delete from ledger_entries where seq = 0`)).toMatch(
        /append-only|permission denied/,
      );
      expect(await errorOf(conn`delete from ledger_nodes`)).toMatch(/append-only|permission denied/);
      expect(await errorOf(conn`delete from ledger_checkpoints`)).toMatch(/append-only|permission denied/);
    }
    expect(await errorOf(t.owner.sql`truncate ledger_entries cascade`)).toMatch(/append-only/);
    // ENABLE ALWAYS: replication mode does not switch the triggers off.
    expect(
      await errorOf(
        t.owner.sql.begin(async (tx) => {
          await tx`set local session_replication_role = replica`;
          await tx`update ledger_entries set body = body where seq = 0`;
        }),
      ),
    ).toMatch(/append-only/);
  });

  it("the integrator refuses to extend a tree that no longer matches its checkpoint", async () => {
    await t.owner.sql`alter table ledger_nodes disable trigger user`;
    // The largest perfect subtree on the left edge: part of every later root.
    await t.owner.sql`update ledger_nodes set hash = sha256(hash)
      where (level, idx) = (select max(level), 0 from ledger_nodes)`;
    await t.owner.sql`alter table ledger_nodes enable always trigger ledger_nodes_append_only`;
    await appendTestEntry(t.db, { type: "test.after_tamper", actor: null });
    const fresh = await testIntegrator(t.ledger.db);
    expect(await errorOf(fresh.integrator.drain())).toMatch(/does not match its checkpoint/);
  });
});

/** A fresh ledger of 10 entries, each with its own signed checkpoint, then tampered with as the owner. */
async function tamperedLedger(tamper: (owner: (typeof t)["owner"]["sql"]) => Promise<void>) {
  const db = await testDatabase();
  const l = await testIntegrator(db.ledger.db);
  await appendSigned(db.db, l.integrator, 10);
  const outside = (await readFile(path.join(l.checkpointDir, "checkpoints.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((line) => (JSON.parse(line) as { note: string }).note);
  expect((await drainReport(db.db, l.verifier, outside)).ok).toBe(true);
  await db.owner.sql`alter table ledger_entries disable trigger user`;
  await db.owner.sql`alter table ledger_checkpoints disable trigger user`;
  await tamper(db.owner.sql);
  return { db, l, report: await drainReport(db.db, l.verifier, outside) };
}

describe("tamper detection (as the database owner, triggers disabled)", () => {
  it("an edited entry", async () => {
    const { report } = await tamperedLedger((o) =>
      o`update ledger_entries set body = replace(body, '"n":4', '"n":40') where seq = 4`.then(),
    );
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(4);
  });

  it("an edited entry with its leaf hash recomputed", async () => {
    const { report } = await tamperedLedger((o) =>
      o`update ledger_entries set body = replace(body, '"n":6', '"n":60') where seq = 6`
        .then(
          () =>
            o`update ledger_entries set leaf_hash = sha256('\\x00'::bytea || convert_to(body, 'UTF8')) where seq = 6`,
        )
        .then(),
    );
    expect(report.firstBadSeq).toBe(6);
  });

  it("a deleted entry", async () => {
    const { report } = await tamperedLedger((o) => o`delete from ledger_entries where seq = 3`.then());
    expect(report.firstBadSeq).toBe(3);
    expect(report.problems[0]?.message).toBe("entry 3 is missing (the next is entry 4)");
  });

  it("an inserted entry", async () => {
    const { report } = await tamperedLedger(async (o) => {
      await o`update ledger_entries set seq = seq + 100 where seq >= 5`;
      await o`update ledger_entries set seq = seq - 99 where seq >= 100`;
      await o`insert into ledger_entries (seq, entry_id, body, leaf_hash)
              select 5, gen_random_uuid(), b, sha256('\\x00'::bytea || convert_to(b, 'UTF8'))
              from (select '{"type":"forged"}'::text as b) f`;
    });
    expect(report.firstBadSeq).toBe(5);
  });

  it("two swapped entries", async () => {
    const { report } = await tamperedLedger(async (o) => {
      await o`update ledger_entries set seq = -1 where seq = 2`;
      await o`update ledger_entries set seq = 2 where seq = 7`;
      await o`update ledger_entries set seq = 7 where seq = -1`;
    });
    expect(report.firstBadSeq).toBe(2);
  });

  it("a rewritten tail, with its checkpoints deleted from the database", async () => {
    const { report } = await tamperedLedger(async (o) => {
      await o`delete from ledger_entries where seq >= 7`;
      await o`delete from ledger_checkpoints where size > 7`;
      for (let seq = 7; seq < 10; seq++) {
        const body = JSON.stringify({ type: "rewritten", n: seq });
        await o`insert into ledger_entries (seq, entry_id, body, leaf_hash)
                values (${seq}, gen_random_uuid(), ${body}, sha256('\\x00'::bytea || convert_to(${body}, 'UTF8')))`;
      }
    });
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(7);
  });

  it("a forged checkpoint signed with another key", async () => {
    const forger = parseSignerKey(generateSignerKey(TEST_ORIGIN));
    const { report } = await tamperedLedger(async (o) => {
      const note = signCheckpoint({ origin: TEST_ORIGIN, size: 11, root: Buffer.alloc(32, 7) }, forger);
      await o`insert into ledger_checkpoints (size, root, note) values (11, ${Buffer.alloc(32, 7)}, ${note})`;
    });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message).join("\n")).toMatch(/not validly signed/);
  });

  it("two checkpoints of the same size with different roots", async () => {
    const { db, l } = await tamperedLedger(async () => {});
    const fork = signCheckpoint({ origin: TEST_ORIGIN, size: 5, root: Buffer.alloc(32, 1) }, l.signer);
    const report = await drainReport(db.db, l.verifier, [fork]);
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBeNull();
    expect(report.problems.map((p) => p.message).join("\n")).toMatch(
      /^equivocation: the log signed two roots for size 5 \(.+\); the entries here lead to /m,
    );
  });
});
