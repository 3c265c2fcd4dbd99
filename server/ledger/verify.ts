import { isCanonicalJson } from "./canonical-check";
import { verifyCheckpoint, type Checkpoint, type Verifier } from "./checkpoint";
import { cosigners, witnessVerdict, type WitnessPolicy } from "./cosignature";
import { locateChange, type Mismatch, type StoredRange } from "./locate";
import { DigestFrontier, digestBytes, digestOf, leafDigestOfText, type Digest } from "./digests";

const MAX_PROBLEMS = 50;

export type VerifyProblem = { seq: number | null; message: string };

export type VerifyReport = {
  ok: boolean;
  entries: number;
  checkpointsChecked: number;
  latestCheckpoint: { size: number; root: string } | null;
  /** Entries after the latest checkpoint: not signed, so not vouched for. */
  unsignedTail: number;
  /** The first sequence number that is missing, altered or out of place; null when none. */
  firstBadSeq: number | null;
  problems: VerifyProblem[];
  /** What the verdict does not cover, even when it is OK. */
  caveats: string[];
  /** With witnesses configured: the largest checkpoint size with their quorum of cosignatures. */
  witnessedThrough: number | null;
};

type Equivocation = { size: number; roots: Buffer[]; matched: Buffer | null };

/**
 * Streams a ledger in sequence order and checks it against signed checkpoints:
 * signatures, one root per size, a dense sequence, canonical entries, stored
 * leaf hashes, and the recomputed root at every checkpoint size. A root that
 * does not match is narrowed to its entry with the stored tree hashes
 * ({@link locate}). Needs no database.
 */
export class LedgerVerifier {
  private readonly frontier = new DigestFrontier();
  private readonly checkpoints: Checkpoint[];
  private readonly equivocations = new Map<number, Equivocation>();
  private readonly problems: VerifyProblem[] = [];
  private next = 0;
  private cpIndex = 0;
  private lastGoodSize = 0;
  private checked = 0;
  private broken = false;
  /** Recomputed leaves since the last matching checkpoint, kept to locate a mismatch. */
  private window: Digest[] = [];
  private windowEdge: Buffer[] = [];
  private mismatch: (Mismatch & { laterMismatches: number }) | null = null;
  private readonly precise: number[] = [];
  private readonly witnesses: WitnessPolicy | null;
  /** Valid cosigners per checkpoint size (over every copy of that checkpoint). */
  private readonly cosigned = new Map<number, Set<string>>();

  constructor(options: {
    verifier: Verifier;
    origin: string;
    notes: string[];
    witnesses?: WitnessPolicy | null;
  }) {
    this.witnesses = options.witnesses ?? null;
    const bySize = new Map<number, Checkpoint[]>();
    for (const note of options.notes) {
      let cp: Checkpoint;
      try {
        cp = verifyCheckpoint(note, options.verifier);
      } catch (error) {
        this.problem(null, `a checkpoint is not validly signed: ${errorText(error)}`);
        continue;
      }
      if (cp.origin !== options.origin) {
        this.problem(null, `checkpoint of size ${cp.size} is for another log (${cp.origin})`);
        continue;
      }
      const same = bySize.get(cp.size) ?? [];
      if (!same.some((c) => c.root.equals(cp.root))) same.push(cp);
      bySize.set(cp.size, same);
      if (this.witnesses) this.addCosigners(cp.size, note, this.witnesses);
    }
    // Two roots for one size: the log signed two histories. Neither is a reference for the entries.
    for (const [size, list] of bySize) {
      if (list.length < 2) continue;
      const roots = list.map((c) => c.root).sort((a, b) => Buffer.compare(a, b));
      this.equivocations.set(size, { size, roots, matched: null });
      bySize.delete(size);
    }
    this.checkpoints = [...bySize.values()].flatMap((l) => l).sort((a, b) => a.size - b.size);
    while (this.checkpoints[this.cpIndex]?.size === 0) this.cpIndex++;
  }

  private addCosigners(size: number, note: string, policy: WitnessPolicy) {
    const { valid, invalid } = cosigners(note, policy.witnesses);
    for (const name of invalid)
      this.problem(null, `the cosignature by ${name} on checkpoint ${size} does not verify`);
    const set = this.cosigned.get(size) ?? new Set<string>();
    for (const name of valid) set.add(name);
    this.cosigned.set(size, set);
  }

  get count(): number {
    return this.next;
  }

  /** Adds the entry `seq` by its body (and the leaf hash stored with it, if any). */
  add(seq: number, body: string, storedLeafHash?: Uint8Array): void {
    const { digest, bytes } = leafDigestOfText(body);
    if (storedLeafHash && !this.broken && seq === this.next && digest !== digestOf(storedLeafHash))
      this.fail(seq, `entry ${seq} does not match its stored leaf hash`);
    this.addLeaf(seq, digest, isCanonicalJson(bytes));
  }

  /** Adds the entry `seq` by the leaf hash recomputed from its bytes. */
  addLeaf(seq: number, leaf: Digest, canonical = true): void {
    if (this.broken) return;
    if (seq < this.next) {
      // A repeated or displaced line: name it and go on with the lines around it.
      this.fail(seq, `entry ${seq} appears again after entry ${this.next - 1} (repeated or out of order)`);
      return;
    }
    if (seq > this.next) {
      this.fail(this.next, `entry ${this.next} is missing (the next is entry ${seq})`);
      this.broken = true;
      return;
    }
    if (!canonical) this.fail(seq, `entry ${seq} is not canonical JSON (RFC 8785)`);
    this.frontier.push(leaf);
    this.next++;
    if (this.keepsWindow()) this.window.push(leaf);
    const eq = this.equivocations.size ? this.equivocations.get(this.next) : undefined;
    if (eq) {
      const root = this.frontier.root();
      eq.matched = eq.roots.find((r) => r.equals(root)) ?? null;
    }
    const cp = this.checkpoints[this.cpIndex];
    if (cp && cp.size === this.next) this.atCheckpoint(cp);
  }

  /** Whether a root mismatch (or entries ending before a signed size) waits for the stored hashes. */
  get needsStoredHashes(): boolean {
    const next = this.checkpoints[this.cpIndex];
    return this.mismatch !== null || (!this.broken && next !== undefined && next.size > this.next);
  }

  private keepsWindow(): boolean {
    return !this.mismatch && this.cpIndex < this.checkpoints.length;
  }

  private atCheckpoint(cp: Checkpoint): void {
    this.cpIndex++;
    this.checked++;
    if (this.frontier.root().equals(cp.root)) {
      this.lastGoodSize = cp.size;
      this.window = [];
      this.windowEdge = this.frontier.hashes();
      return;
    }
    if (this.mismatch) {
      this.mismatch.laterMismatches++;
      return;
    }
    this.mismatch = {
      good: this.lastGoodSize,
      edge: this.windowEdge,
      leaves: this.window.map(digestBytes),
      size: cp.size,
      root: cp.root,
      laterMismatches: 0,
    };
    this.window = [];
  }

  /**
   * Narrows a root mismatch, or entries that end before a signed size, to the
   * entry with the tree's stored hashes (tiles or database nodes).
   */
  async locate(stored: StoredRange): Promise<void> {
    const next = this.checkpoints[this.cpIndex];
    const short =
      !this.mismatch && !this.broken && next && next.size > this.next
        ? {
            good: this.lastGoodSize,
            edge: this.windowEdge,
            leaves: this.window.map(digestBytes),
            size: next.size,
            root: next.root,
          }
        : null;
    const m = this.mismatch ?? short;
    if (!m) return;
    const laterMismatches = this.mismatch?.laterMismatches ?? 0;
    this.mismatch = null;
    const found = await locateChange(m, stored);
    if (short) {
      if ("seq" in found)
        this.fail(
          found.seq,
          `entry ${found.seq} ${found.missing ? "is missing" : "differs"}: the checkpoint of size ${m.size} signs another`,
        );
      return;
    }
    const range = m.good === m.size - 1 ? `entry ${m.good}` : `entries ${m.good}–${m.size - 1}`;
    const later = laterMismatches ? ` (and ${laterMismatches} later checkpoints with it)` : "";
    if ("seq" in found) {
      this.fail(
        found.seq,
        `entry ${found.seq} is not the entry the checkpoint of size ${m.size} signed${later}`,
      );
    } else {
      this.fail(
        found.from,
        `${range} do not match the signed checkpoint of size ${m.size}${later}; ${found.why}`,
      );
    }
  }

  /** The report; call {@link locate} first to name the entry behind a root mismatch. */
  finish(extra: { caveats?: string[] } = {}): VerifyReport {
    if (this.mismatch) {
      const m = this.mismatch;
      this.fail(
        m.good,
        `entries ${m.good}–${m.size - 1} do not match the signed checkpoint of size ${m.size}`,
      );
    }
    for (const eq of [...this.equivocations.values()].sort((a, b) => a.size - b.size)) {
      const roots = eq.roots.map((r) => r.toString("base64")).join(" and ");
      const which =
        eq.size > this.next
          ? "the entries here do not reach that size"
          : eq.matched
            ? `the entries here lead to ${eq.matched.toString("base64")}`
            : "the entries here lead to neither";
      this.problem(null, `equivocation: the log signed two roots for size ${eq.size} (${roots}); ${which}`);
    }
    const missing = this.checkpoints.slice(this.cpIndex).filter((cp) => cp.size > this.next);
    const [firstMissing] = missing;
    if (firstMissing && !this.broken) {
      this.fail(
        this.next,
        `a checkpoint signs ${firstMissing.size} entries but the ledger ends at ${this.next}`,
      );
    }
    const latest = this.checkpoints.at(-1) ?? null;
    const unsignedTail = latest ? Math.max(0, this.next - latest.size) : this.next;
    const caveats = [...(extra.caveats ?? [])];
    const witnessing = this.witnesses
      ? witnessVerdict(
          this.witnesses,
          this.cosigned,
          this.checkpoints.map((c) => c.size),
        )
      : null;
    for (const p of witnessing?.problems ?? []) this.problem(null, p);
    caveats.push(...(witnessing?.caveats ?? []));
    if (unsignedTail > 0) {
      caveats.push(
        `${unsignedTail} entries after the latest checkpoint (${latest ? `size ${latest.size}` : "there is none"}) are not signed: ` +
          "they were checked for form and order only, and could have been altered or appended without a trace",
      );
    }
    return {
      ok: this.problems.length === 0,
      entries: this.next,
      checkpointsChecked: this.checked,
      latestCheckpoint: latest ? { size: latest.size, root: latest.root.toString("base64") } : null,
      unsignedTail,
      firstBadSeq: this.precise.length ? Math.min(...this.precise) : null,
      problems: this.problems,
      caveats,
      witnessedThrough: witnessing?.witnessedThrough ?? null,
    };
  }

  private problem(seq: number | null, message: string) {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ seq, message });
  }

  private fail(seq: number, message: string) {
    this.problem(seq, message);
    if (this.precise.length < MAX_PROBLEMS || seq < Math.min(...this.precise)) this.precise.push(seq);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
