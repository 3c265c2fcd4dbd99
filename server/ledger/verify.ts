import { verifyCheckpoint, type Checkpoint, type Verifier } from "./checkpoint";
import { Frontier, leafHash } from "./merkle";

const MAX_PROBLEMS = 50;

export type VerifyProblem = { seq: number | null; message: string };

export type VerifyReport = {
  ok: boolean;
  entries: number;
  checkpointsChecked: number;
  latestCheckpoint: { size: number; root: string } | null;
  /** Entries after the latest checkpoint: not yet signed (normal for a second or so). */
  unsignedTail: number;
  /** The first sequence number that is missing, altered or out of place; null when none. */
  firstBadSeq: number | null;
  problems: VerifyProblem[];
};

/**
 * Streams a ledger in sequence order and checks it against signed checkpoints:
 * signatures, one root per size, a dense sequence, stored leaf hashes, and the
 * recomputed root at every checkpoint size. Needs no database.
 */
export class LedgerVerifier {
  private readonly frontier = new Frontier();
  private readonly checkpoints: Checkpoint[] = [];
  private readonly problems: VerifyProblem[] = [];
  private next = 0;
  private cpIndex = 0;
  private lastGoodSize = 0;
  private checked = 0;
  private broken = false;
  private firstBad: number | null = null;

  constructor(options: { verifier: Verifier; origin: string; notes: string[] }) {
    const bySize = new Map<number, Checkpoint>();
    for (const note of options.notes) {
      let cp: Checkpoint;
      try {
        cp = verifyCheckpoint(note, options.verifier);
      } catch (error) {
        this.problems.push({ seq: null, message: `a checkpoint is not validly signed: ${errorText(error)}` });
        continue;
      }
      if (cp.origin !== options.origin) {
        this.problems.push({
          seq: null,
          message: `checkpoint of size ${cp.size} is for another log (${cp.origin})`,
        });
        continue;
      }
      const seen = bySize.get(cp.size);
      if (seen && !seen.root.equals(cp.root)) {
        this.problems.push({
          seq: null,
          message: `two signed checkpoints of size ${cp.size} have different roots`,
        });
      } else if (!seen) bySize.set(cp.size, cp);
    }
    this.checkpoints = [...bySize.values()].sort((a, b) => a.size - b.size);
    while (this.checkpoints[this.cpIndex]?.size === 0) this.cpIndex++;
  }

  get count(): number {
    return this.next;
  }

  /** Adds the entry `seq` by its canonical body (and the leaf hash stored with it, if any). */
  add(seq: number, body: string, storedLeafHash?: Uint8Array): void {
    const leaf = leafHash(Buffer.from(body, "utf8"));
    if (storedLeafHash && !this.broken && seq === this.next && !leaf.equals(storedLeafHash))
      this.fail(seq, `entry ${seq} does not match its leaf hash`);
    this.addLeaf(seq, leaf);
  }

  /** Adds the entry `seq` by the leaf hash recomputed from its bytes. */
  addLeaf(seq: number, leaf: Buffer): void {
    if (this.broken) return;
    if (seq !== this.next) {
      this.fail(
        this.next,
        seq > this.next ? `entry ${this.next} is missing` : `entry ${seq} is out of order`,
      );
      this.broken = true;
      return;
    }
    this.frontier.push(leaf);
    this.next++;
    const cp = this.checkpoints[this.cpIndex];
    if (cp && cp.size === this.next) {
      this.cpIndex++;
      this.checked++;
      if (this.frontier.root().equals(cp.root)) {
        this.lastGoodSize = cp.size;
      } else {
        const range =
          this.lastGoodSize === cp.size - 1
            ? `entry ${this.lastGoodSize}`
            : `entries ${this.lastGoodSize}–${cp.size - 1}`;
        // A leaf-level finding in this range is more precise; the range is the best a root alone can say.
        this.fail(this.lastGoodSize, `${range} do not match the signed checkpoint of size ${cp.size}`, false);
      }
    }
  }

  finish(): VerifyReport {
    const missing = this.checkpoints.slice(this.cpIndex).filter((cp) => cp.size > this.next);
    const [firstMissing] = missing;
    if (firstMissing && !this.broken) {
      this.fail(
        this.next,
        `a checkpoint signs ${firstMissing.size} entries but the ledger ends at ${this.next}`,
      );
    }
    const latest = this.checkpoints.at(-1) ?? null;
    return {
      ok: this.problems.length === 0,
      entries: this.next,
      checkpointsChecked: this.checked,
      latestCheckpoint: latest ? { size: latest.size, root: latest.root.toString("base64") } : null,
      unsignedTail: latest ? Math.max(0, this.next - latest.size) : this.next,
      firstBadSeq: this.firstBad,
      problems: this.problems,
    };
  }

  private fail(seq: number, message: string, precise = true) {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ seq, message });
    if (this.firstBad === null || (precise && seq < this.firstBad)) this.firstBad = seq;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
