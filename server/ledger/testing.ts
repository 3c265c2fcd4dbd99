import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Db, DbOrTx } from "@/db/client";
import { writeEntry, type Receipt, type UncheckedEntryInput } from "./append";
import { generateSignerKey, parseSignerKey, parseVerifierKey } from "./checkpoint";
import { LedgerIntegrator } from "./integrator";

export const TEST_ORIGIN = "casefile.test/ledger";

/**
 * An integrator for tests: a fresh key and its own checkpoint directory unless given
 * (a restarted integrator keeps both).
 */
export async function testIntegrator(
  ledgerDb: Db,
  options: { signerKey?: string; checkpointDir?: string } = {},
) {
  const signer = parseSignerKey(options.signerKey ?? generateSignerKey(TEST_ORIGIN));
  const checkpointDir =
    options.checkpointDir ?? (await mkdtemp(path.join(tmpdir(), "casefile-checkpoints-")));
  const integrator = new LedgerIntegrator({ db: ledgerDb, signer, origin: TEST_ORIGIN, checkpointDir });
  return { integrator, signer, verifier: parseVerifierKey(signer.verifierKey), checkpointDir };
}

/** Appends `count` entries, integrating and signing a checkpoint after each one. */
export async function appendSigned(db: Db, integrator: LedgerIntegrator, count: number, type = "test.event") {
  for (let i = 0; i < count; i++) {
    await appendTestEntry(db, { type, actor: null, payload: { n: i } });
    await integrator.drain();
  }
}

/**
 * An entry of any type and payload, unchecked: fixtures for the log's own mechanics (integration,
 * proofs, tampering), where the event catalogue is beside the point. Written as `appendLedger` writes.
 */
export function appendTestEntry(db: DbOrTx, entry: UncheckedEntryInput): Promise<Receipt> {
  if ("rollback" in db) return writeEntry(db, entry);
  return db.transaction((tx) => writeEntry(tx, entry));
}
