import { appendFile, mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { desc, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { ledgerCheckpoints } from "@/db/schema";
import { signCheckpoint, type Signer } from "./checkpoint";
import { type Frontier, leafHash, rangeHash } from "./merkle";
import type { Leadership } from "./leader";
import { describe, indexFields, refusedForItsData } from "./entry-fields";
import { ledgerSize, loadFrontier, withStoredNodes } from "./store";
import type { WitnessCollector } from "./witness-client";

// Serialises integration steps: the leader's, and a tool's or test's drain().
const INTEGRATOR_LOCK = 7_412_002;

export type IntegratorOptions = {
  /** A connection as the ledger role (may delete from the inbox and insert into the log). */
  db: Db;
  signer: Signer;
  origin: string;
  /** Directory outside the database that receives a copy of every checkpoint. */
  checkpointDir?: string | null;
  batchSize?: number;
  /** Sign at least this often while there is new data. */
  checkpointEveryMs?: number;
  /** Witnesses asked to cosign new checkpoints, off the integration path. */
  witnesses?: WitnessCollector | null;
  log?: (message: string) => void;
};

export type StepResult = { leader: boolean; integrated: number; checkpointSize: number | null };

export class LedgerIntegrator {
  private frontier: Frontier | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** After the database refused a batch: integrate this many entries one at a time to find the culprit. */
  private isolate = 0;
  private latestNote: { size: number; text: string } | null = null;
  private witnessedSize = 0;
  private witnessing: Promise<void> | null = null;

  constructor(private readonly options: IntegratorOptions) {}

  /**
   * One integration step in one transaction: take a batch from the inbox in
   * order, assign dense sequence numbers, store leaf and node hashes, and sign
   * a checkpoint when due (or when `forceCheckpoint`).
   */
  async step(forceCheckpoint = false): Promise<StepResult> {
    const { db, checkpointEveryMs = 1000 } = this.options;
    const batchSize = this.isolate > 0 ? 1 : (this.options.batchSize ?? 2000);
    let setAside = false;
    type Outcome = StepResult & { note: string | null };
    const outcome = await db
      .transaction(async (tx): Promise<Outcome> => {
        const [lock] = await tx.execute<{ ok: boolean }>(
          sql`select pg_try_advisory_xact_lock(${INTEGRATOR_LOCK}) as ok`,
        );
        if (!lock?.ok) return { leader: false, integrated: 0, checkpointSize: null, note: null };
        const frontier = await this.currentFrontier(tx);
        const rows = await tx.execute<{ id: string; entry_id: string; body: string }>(sql`
        delete from ledger_inbox where id in (select id from ledger_inbox order by id limit ${batchSize})
        returning id, entry_id, body`);
        const batch = [...rows].sort((a, b) => Number(a.id) - Number(b.id));
        const entries = {
          seq: [] as number[],
          entryId: [] as string[],
          body: [] as string[],
          leaf: [] as string[],
          type: [] as (string | null)[],
          actorId: [] as (string | null)[],
          caseKey: [] as (string | null)[],
          at: [] as (string | null)[],
        };
        const unreadable: number[] = [];
        const nodes = { level: [] as number[], idx: [] as number[], hash: [] as string[] };
        for (const row of batch) {
          const leaf = leafHash(Buffer.from(row.body, "utf8"));
          entries.seq.push(frontier.size);
          entries.entryId.push(row.entry_id);
          entries.body.push(row.body);
          entries.leaf.push(leaf.toString("hex"));
          // The explorer's columns come from the body here, never from a cast that could refuse the
          // row: an entry whose body does not read as an object is still sealed, with its exact bytes.
          const fields = indexFields(row.body);
          if (!fields) unreadable.push(frontier.size);
          entries.type.push(fields?.type ?? null);
          entries.actorId.push(fields?.actorId ?? null);
          entries.caseKey.push(fields?.caseKey ?? null);
          entries.at.push(fields?.at ?? null);
          for (const n of frontier.append(leaf)) {
            if (n.level === 0) continue;
            nodes.level.push(n.level);
            nodes.idx.push(n.index);
            nodes.hash.push(n.hash.toString("hex"));
          }
        }
        // Arrays bound as four parameters: one statement per table whatever the batch size.
        if (batch.length) {
          await tx.execute(sql`
          insert into ledger_entries (seq, entry_id, body, leaf_hash, type, actor_id, case_key, at)
          select seq, entry_id, body, decode(leaf, 'hex'), type, actor_id, case_key, at
          from unnest(${pgArray(entries.seq)}::bigint[], ${pgArray(entries.entryId)}::uuid[],
                      ${sql.param(entries.body)}::text[], ${pgArray(entries.leaf)}::text[],
                      ${sql.param(entries.type)}::text[], ${sql.param(entries.actorId)}::text[],
                      ${sql.param(entries.caseKey)}::text[], ${sql.param(entries.at)}::text[])
               as t(seq, entry_id, body, leaf, type, actor_id, case_key, at)`);
        }
        for (const seq of unreadable) {
          this.options.log?.(
            `ledger integrator: entry ${seq} is not a readable ledger entry; sealed as written`,
          );
        }
        if (nodes.level.length) {
          await tx.execute(sql`
          insert into ledger_nodes (level, idx, hash)
          select level, idx, decode(hash, 'hex')
          from unnest(${pgArray(nodes.level)}::smallint[], ${pgArray(nodes.idx)}::bigint[],
                      ${pgArray(nodes.hash)}::text[]) as t(level, idx, hash)`);
        }

        // Whether a checkpoint is due is read from the database, whichever instance signed last.
        const [last] = await tx.execute<{ size: string; age_ms: number }>(sql`
          select size, extract(epoch from now() - created_at) * 1000 as age_ms
          from ledger_checkpoints order by size desc limit 1`);
        const signedSize = last ? Number(last.size) : 0;
        const due = !last || Number(last.age_ms) >= checkpointEveryMs;
        if (frontier.size > signedSize && (forceCheckpoint || due)) {
          const root = frontier.root();
          const text = signCheckpoint(
            { origin: this.options.origin, size: frontier.size, root },
            this.options.signer,
          );
          await tx.insert(ledgerCheckpoints).values({ size: frontier.size, root, note: text });
          return { leader: true, integrated: batch.length, checkpointSize: frontier.size, note: text };
        }
        return { leader: true, integrated: batch.length, checkpointSize: null, note: null };
      })
      .catch(async (error: unknown): Promise<Outcome> => {
        this.frontier = null; // the transaction rolled back: reload the stored state next time
        if (!refusedForItsData(error)) throw error;
        // The rows themselves were refused (not the database failing): find the entry, set it aside.
        if (batchSize > 1) {
          this.isolate = batchSize;
          this.options.log?.(
            `ledger integrator: a batch was refused (${describe(error)}); integrating one by one`,
          );
        } else {
          await this.quarantineNext(error);
          setAside = true;
        }
        return { leader: true, integrated: 0, checkpointSize: null, note: null };
      });
    // One at a time until past the refused batch, or until the inbox runs dry.
    if (batchSize === 1 && this.isolate > 0 && !setAside)
      this.isolate = outcome.integrated === 1 ? this.isolate - 1 : 0;
    const { note, ...result } = outcome;
    if (note && result.checkpointSize !== null) {
      await this.writeOutside({ size: result.checkpointSize, text: note });
      this.latestNote = { size: result.checkpointSize, text: note };
      this.witness();
    }
    return result;
  }

  /**
   * Sends the latest checkpoint to the witnesses unless a round is under way; a
   * checkpoint signed meanwhile is skipped (the next round proves consistency across it).
   */
  private witness(): void {
    const witnesses = this.options.witnesses;
    const note = this.latestNote;
    if (!witnesses || !note || this.witnessing || note.size <= this.witnessedSize) return;
    this.witnessing = witnesses
      .collect(note.text, note.size)
      .then(
        () => undefined,
        (error: unknown) => this.options.log?.(`ledger witnesses: ${String(error)}`),
      )
      .finally(() => {
        this.witnessedSize = note.size;
        this.witnessing = null;
      });
  }

  /** Waits until the witnesses have been asked about the latest checkpoint (for tools and tests). */
  async witnessed(): Promise<void> {
    while (this.witnessing) {
      await this.witnessing;
      this.witness();
    }
  }

  /** Integrates everything in the inbox now and signs a checkpoint (for tools and tests). */
  async drain(): Promise<void> {
    for (;;) {
      const limit = this.isolate > 0 ? 1 : (this.options.batchSize ?? 2000);
      const r = await this.step(true);
      if (r.leader && r.integrated < limit && this.isolate === 0) return;
      if (!r.leader) await sleep(50);
    }
  }

  /**
   * Integrates continuously. With `leadership`, only while this process leads: one instance
   * among many integrates, and another takes over when the leader's connection is lost.
   */
  start(options: { pollMs?: number; leadership?: Leadership } = {}): void {
    if (this.running) return;
    const { pollMs = 100, leadership } = options;
    this.stopped = false;
    this.running = (async () => {
      let leading = false;
      while (!this.stopped) {
        try {
          const leader = leadership ? await leadership.held() : true;
          if (leader !== leading) {
            leading = leader;
            if (leadership)
              this.options.log?.(leader ? "ledger integrator: leading" : "ledger integrator: standing by");
          }
          if (!leader) {
            this.frontier = null; // another instance integrates meanwhile
            await sleep(1000);
            continue;
          }
          const r = await this.step();
          const idle = r.integrated === 0;
          await sleep(!r.leader ? 1000 : idle ? pollMs : 0);
        } catch (error) {
          this.options.log?.(`ledger integrator: a step failed and will be retried: ${describe(error)}`);
          await sleep(1000);
        }
      }
      await leadership?.release();
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    this.running = null;
    await this.witnessing;
  }

  /** The in-memory tree edge, reloaded when another instance integrated since (sizes differ). */
  private async currentFrontier(tx: Tx): Promise<Frontier> {
    if (this.frontier && this.frontier.size === (await ledgerSize(tx))) return this.frontier;
    const frontier = await loadFrontier(tx);
    const [latest] = await tx.select().from(ledgerCheckpoints).orderBy(desc(ledgerCheckpoints.size)).limit(1);
    if (latest) {
      // Refuse to extend a tree that no longer matches what was signed.
      const root = await withStoredNodes(tx, (node) => rangeHash(0, latest.size, node));
      if (!root.equals(latest.root) || latest.size > frontier.size) {
        throw new Error(
          `the stored ledger does not match its checkpoint of size ${latest.size}; run ledger:verify`,
        );
      }
    }
    this.frontier = frontier;
    return frontier;
  }

  /**
   * Moves the oldest inbox entry, which the log refused on its own, to the quarantine: its exact
   * bytes and leaf hash are kept there, out of the tree, and integration goes on behind it.
   */
  private async quarantineNext(error: unknown): Promise<void> {
    const reason = describe(error);
    const moved = await this.options.db.transaction(async (tx) => {
      const [lock] = await tx.execute<{ ok: boolean }>(
        sql`select pg_try_advisory_xact_lock(${INTEGRATOR_LOCK}) as ok`,
      );
      if (!lock?.ok) return null;
      const [row] = await tx.execute<{ id: string; entry_id: string; body: string; queued_at: string }>(sql`
        delete from ledger_inbox where id = (select id from ledger_inbox order by id limit 1)
        returning id, entry_id, body, queued_at`);
      if (!row) return null;
      const leaf = leafHash(Buffer.from(row.body, "utf8"));
      await tx.execute(sql`
        insert into ledger_quarantine (inbox_id, entry_id, body, leaf_hash, queued_at, reason)
        values (${row.id}, ${row.entry_id}, ${row.body}, ${leaf}, ${row.queued_at}, ${reason})`);
      return row;
    });
    if (moved) {
      this.isolate = Math.max(0, this.isolate - 1);
      this.options.log?.(
        `ledger integrator: QUARANTINED inbox entry ${moved.id} (entry ${moved.entry_id}): ${reason}`,
      );
    }
  }

  private async writeOutside(note: { size: number; text: string }): Promise<void> {
    const dir = this.options.checkpointDir;
    if (!dir) return;
    try {
      await mkdir(dir, { recursive: true });
      await appendFile(
        path.join(dir, "checkpoints.jsonl"),
        JSON.stringify({ size: note.size, note: note.text }) + "\n",
      );
      const tmp = path.join(dir, `.latest-${process.pid}`);
      await writeFile(tmp, note.text);
      await rename(tmp, path.join(dir, "latest"));
    } catch (error) {
      this.options.log?.(`ledger integrator: could not copy checkpoint ${note.size}: ${String(error)}`);
    }
  }
}

/** A PostgreSQL array literal of plain tokens (numbers, uuids, hex): nothing in them needs quoting. */
function pgArray(values: (string | number)[]): string {
  return `{${values.join(",")}}`;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
