/**
 * A witness over real HTTP: it cosigns checkpoints that extend what it cosigned
 * before, refuses a history rewritten and re-signed with the log's own key, and
 * verification flags a ledger whose checkpoints lack the witnesses' quorum.
 */
import { once } from "node:events";
import { mkdtemp, readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { buildEvidenceBundle } from "../reports/evidence-bundle";
import { testDatabase } from "../testing/db";
import { formatBundle, verifyEvidenceBundle } from "./bundle";
import {
  generateSignerKey,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  type Signer,
} from "./checkpoint";
import { generateWitnessKey, parseWitnessSigner, parseWitnessVerifier } from "./cosignature";
import { exportLedger, verifyExport } from "./export";
import { LedgerIntegrator } from "./integrator";
import { appendTestEntry, TEST_ORIGIN } from "./testing";
import { createWitness } from "./witness";
import { addCheckpoint, WitnessCollector } from "./witness-client";

const dir = await mkdtemp(path.join(tmpdir(), "casefile-witness-"));
const log = parseSignerKey(generateSignerKey(TEST_ORIGIN));
const witnessSigner = parseWitnessSigner(generateWitnessKey("witness.test/w1"));
const witness = createWitness({
  signer: witnessSigner,
  logs: new Map([[TEST_ORIGIN, parseVerifierKey(log.verifierKey)]]),
  stateFile: path.join(dir, "witness-state.json"),
});
witness.listen(0, "127.0.0.1");
await once(witness, "listening");
afterAll(() => new Promise((resolve) => witness.close(resolve)));
const url = `http://127.0.0.1:${(witness.address() as AddressInfo).port}/add-checkpoint`;
const endpoints = [{ url, verifier: parseWitnessVerifier(witnessSigner.verifierKey) }];
const policy = { witnesses: endpoints.map((e) => e.verifier), quorum: 1 };

/** A ledger in its own database, signed with `signer`, whose integrator asks the witness. */
async function witnessedLedger(signer: Signer) {
  const t = await testDatabase();
  const integrator = new LedgerIntegrator({
    db: t.ledger.db,
    signer,
    origin: TEST_ORIGIN,
    witnesses: new WitnessCollector(t.ledger.db, endpoints),
  });
  const append = async (db: Db, label: string, count: number) => {
    for (let n = 0; n < count; n++)
      await appendTestEntry(db, { type: "test.event", actor: null, payload: { label, n } });
    await integrator.drain();
    await integrator.witnessed();
  };
  const exported = async (name: string) => {
    const file = path.join(dir, name);
    await exportLedger(t.db, file, {
      origin: TEST_ORIGIN,
      verifierKey: signer.verifierKey,
      outsideNotes: [],
    });
    return verifyExport(file, { trustedKey: signer.verifierKey, checkpoints: [], witnesses: policy });
  };
  const bundled = async () => {
    const scope = {
      kind: "period" as const,
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 3_600_000),
    };
    const identity = { origin: TEST_ORIGIN, verifierKey: signer.verifierKey, witnessQuorum: 1 };
    const bundle = await t.db.transaction((tx) => buildEvidenceBundle(tx, scope, identity, new Date()));
    return verifyEvidenceBundle(formatBundle(bundle), signer.verifierKey, policy);
  };
  return { t, append: (label: string, count: number) => append(t.db, label, count), exported, bundled };
}

const honest = await witnessedLedger(log);

describe("the witness", () => {
  it("cosigns the log's checkpoints as they grow, and the export verifies with its quorum", async () => {
    await honest.append("honest", 6);
    await honest.append("honest", 4);
    const rows = await honest.t.sql<{ size: string; witness: string }[]>`
      select size, witness from ledger_cosignatures order by size`;
    expect(rows.map((r) => [Number(r.size), r.witness])).toEqual([
      [6, "witness.test/w1"],
      [10, "witness.test/w1"],
    ]);
    const state = JSON.parse(await readFile(path.join(dir, "witness-state.json"), "utf8")) as Record<
      string,
      { size: number }
    >;
    expect(state[TEST_ORIGIN]?.size).toBe(10);
    const report = await honest.exported("honest.export");
    expect(report).toMatchObject({ ok: true, entries: 10, witnessedThrough: 10 });
    expect(await honest.bundled()).toMatchObject({ ok: true, witnessedThrough: 10 });
  });

  it("answers the protocol's errors: 409 with its size, 403 for another key, 404 for another log, 400", async () => {
    const [cp] = await honest.t.sql<{ note: string }[]>`select note from ledger_checkpoints where size = 10`;
    const note = cp?.note ?? "";
    const stale = await fetch(url, { method: "POST", body: `old 6\n\n${note}` });
    expect([stale.status, stale.headers.get("content-type"), await stale.text()]).toEqual([
      409,
      "text/x.tlog.size",
      "10\n",
    ]);
    const stranger = parseSignerKey(generateSignerKey(TEST_ORIGIN));
    const forged = signCheckpoint({ origin: TEST_ORIGIN, size: 11, root: Buffer.alloc(32, 1) }, stranger);
    expect((await addCheckpoint(url, forged, 10, [Buffer.alloc(32)])).ok).toBe(false);
    expect((await fetch(url, { method: "POST", body: `old 10\n\n${forged}` })).status).toBe(403);
    const otherLog = signCheckpoint(
      { origin: "elsewhere.test/log", size: 1, root: Buffer.alloc(32) },
      stranger,
    );
    expect((await fetch(url, { method: "POST", body: `old 0\n\n${otherLog}` })).status).toBe(404);
    expect((await fetch(url, { method: "POST", body: `old 010\n\n${note}` })).status).toBe(400);
  });

  it("refuses a history rewritten and re-signed with the log's key, and verification flags it", async () => {
    // The database owner rebuilds the log with other entries and signs it with the real key.
    const rewritten = await witnessedLedger(log);
    await rewritten.append("rewritten", 10); // same size, another root: 409
    await rewritten.append("rewritten", 2); // larger, but no consistency proof from 10 holds: 422
    const [refused] = await rewritten.t.sql<
      { n: number }[]
    >`select count(*)::int as n from ledger_cosignatures`;
    expect(refused?.n).toBe(0);
    const [cp] = await rewritten.t.sql<
      { note: string }[]
    >`select note from ledger_checkpoints where size = 12`;
    const proof = await honest.t.sql<
      { hash: Buffer }[]
    >`select hash from ledger_nodes where level = 1 and idx = 5`;
    const answer = await addCheckpoint(
      url,
      cp?.note ?? "",
      10,
      proof.map((r) => r.hash),
    );
    expect(answer).toMatchObject({ ok: false, status: 422 });

    const report = await rewritten.exported("rewritten.export");
    expect(report.ok).toBe(false);
    expect(report.witnessedThrough).toBeNull();
    expect(report.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^no checkpoint carries the witnesses' quorum \(1 of witness\.test\/w1\): the latest, size 12, has 0\./,
      ),
    ]);
    const bundle = await rewritten.bundled();
    expect(bundle.ok).toBe(false);
    expect(bundle.problems.map((p) => p.message).join("\n")).toMatch(
      /no checkpoint carries the witnesses' quorum/,
    );
    // The honest log goes on being cosigned.
    await honest.append("honest", 1);
    expect(await honest.exported("honest-later.export")).toMatchObject({ ok: true, witnessedThrough: 11 });
  });
});
