/**
 * The integrator's side of C2SP tlog-witness: submit a new checkpoint with a
 * consistency proof from the size the witness last cosigned, and keep the
 * cosignature it returns (in ledger_cosignatures, append-only).
 */
import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { ledgerCosignatures } from "@/db/schema";
import type { WitnessEndpoint } from "./config";
import { addSignatures, cosigners } from "./cosignature";
import { consistencyProof } from "./merkle";
import { withStoredNodes } from "./store";

const TIMEOUT_MS = 5000;

export type Submission =
  { ok: true; line: string } | { ok: false; status: number; message: string; knownSize?: number };

/** One add-checkpoint call. `proof` is the consistency proof from `oldSize` to the checkpoint. */
export async function addCheckpoint(
  url: string,
  note: string,
  oldSize: number,
  proof: Buffer[],
): Promise<Submission> {
  const body = [`old ${oldSize}`, ...proof.map((h) => h.toString("base64")), "", note].join("\n");
  const res = await fetch(url, { method: "POST", body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  if (res.status === 200) return { ok: true, line: text };
  const knownSize = res.status === 409 && /^\d+\n?$/.test(text) ? Number(text.trim()) : undefined;
  return { ok: false, status: res.status, message: text.trim(), knownSize };
}

export class WitnessCollector {
  /** The size each witness last cosigned, as far as this process knows (learnt from 409s). */
  private readonly known = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly endpoints: WitnessEndpoint[],
    private readonly log?: (message: string) => void,
  ) {}

  /** Asks every witness with a URL to cosign the checkpoint; stores what verifies. */
  async collect(note: string, size: number): Promise<number> {
    const results = await Promise.all(
      this.endpoints.map(async ({ url, verifier }) => {
        if (!url) return false;
        try {
          const line = await this.submit(url, note, size);
          if (!line) return false;
          const { valid } = cosigners(addSignatures(note, [line]), [verifier]);
          if (!valid.length) {
            this.log?.(`witness ${verifier.name}: its answer is not a valid cosignature`);
            return false;
          }
          await this.db
            .insert(ledgerCosignatures)
            .values({ size, witness: verifier.name, line: line.trim() })
            .onConflictDoNothing();
          return true;
        } catch (error) {
          this.log?.(`witness ${verifier.name}: ${error instanceof Error ? error.message : String(error)}`);
          return false;
        }
      }),
    );
    return results.filter(Boolean).length;
  }

  private async submit(url: string, note: string, size: number): Promise<string | null> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const old = Math.min(this.known.get(url) ?? 0, size);
      const proof = old ? await withStoredNodes(this.db, (node) => consistencyProof(old, size, node)) : [];
      const answer = await addCheckpoint(url, note, old, proof);
      if (answer.ok) {
        this.known.set(url, size);
        return answer.line.split("\n").find((l) => l.trim()) ?? null;
      }
      if (answer.knownSize === undefined || answer.knownSize === old || answer.knownSize > size) {
        this.log?.(`witness at ${url} refused checkpoint ${size}: ${answer.status} ${answer.message}`);
        return null;
      }
      this.known.set(url, answer.knownSize); // it cosigned another size: prove from there
    }
    return null;
  }
}

/** Checkpoint notes with the cosignatures collected for them merged in. */
export async function withCosignatures(db: DbOrTx, rows: { size: number; note: string }[]) {
  if (!rows.length) return [];
  const sizes = `{${rows.map((r) => r.size).join(",")}}`;
  const lines = await db.execute<{ size: string; line: string }>(
    sql`select size, line from ledger_cosignatures where size = any(${sizes}::bigint[]) order by witness`,
  );
  const bySize = new Map<number, string[]>();
  for (const l of lines) bySize.set(Number(l.size), [...(bySize.get(Number(l.size)) ?? []), l.line]);
  return rows.map((r) => ({ ...r, note: addSignatures(r.note, bySize.get(r.size) ?? []) }));
}
