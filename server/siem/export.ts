import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { asc, gte } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { ledgerEntries } from "@/db/schema";
import { toOcsf } from "./ocsf";

/** Where the lines go. `write` resolves only once the batch is safely delivered. */
export type SiemSink = {
  write(lines: string[], firstSeq: number, lastSeq: number): Promise<void>;
  close(): Promise<void>;
};

export type SiemExportResult = {
  sent: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** The `--since` value that continues where this run stopped. */
  nextSince: number;
};

const PAGE = 2_000;

/**
 * Streams the ledger from sequence `since` (inclusive) in order, mapped to OCSF-like JSON
 * lines, in batches of `batchSize`. Reads a page at a time, so memory stays flat on any size.
 * A batch the sink refuses stops the run: `SiemExportError.nextSince` says where to resume.
 */
export async function exportSiem(
  db: DbOrTx,
  options: { since: number; sink: SiemSink; logName: string; batchSize?: number },
): Promise<SiemExportResult> {
  const batchSize = options.batchSize ?? 500;
  let next = options.since;
  let sent = 0;
  let firstSeq: number | null = null;
  let batch: { seq: number; line: string }[] = [];
  const flush = async () => {
    const [first] = batch;
    const last = batch.at(-1);
    if (!first || !last) return;
    try {
      await options.sink.write(
        batch.map((b) => b.line),
        first.seq,
        last.seq,
      );
    } catch (error) {
      throw new SiemExportError(error, first.seq, sent);
    }
    firstSeq ??= first.seq;
    sent += batch.length;
    next = last.seq + 1;
    batch = [];
  };
  for (let from = options.since; ;) {
    const page = await db
      .select({ seq: ledgerEntries.seq, body: ledgerEntries.body, leafHash: ledgerEntries.leafHash })
      .from(ledgerEntries)
      .where(gte(ledgerEntries.seq, from))
      .orderBy(asc(ledgerEntries.seq))
      .limit(PAGE);
    for (const row of page) {
      const event = toOcsf(row.seq, row.body, options.logName, row.leafHash.toString("hex"));
      batch.push({ seq: row.seq, line: JSON.stringify(event) });
      if (batch.length >= batchSize) await flush();
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE) break;
    from = last.seq + 1;
  }
  await flush();
  await options.sink.close();
  return { sent, firstSeq, lastSeq: sent ? next - 1 : null, nextSince: next };
}

export class SiemExportError extends Error {
  constructor(
    cause: unknown,
    readonly nextSince: number,
    readonly sent: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "SiemExportError";
  }
}

/** Appends lines to a file (or writes them to stdout with "-"). */
export function fileSink(file: string): SiemSink {
  const out = file === "-" ? process.stdout : createWriteStream(file, { flags: "a" });
  return {
    async write(lines) {
      if (!out.write(lines.join("\n") + "\n")) await once(out, "drain");
    },
    async close() {
      if (out === process.stdout) return;
      out.end();
      await once(out, "finish");
    },
  };
}

const sequenceHeaders = (first: number, last: number) => ({
  "Casefile-First-Sequence": String(first),
  "Casefile-Last-Sequence": String(last),
});

type PostOutcome = { ok: true } | { ok: false; retriable: boolean; why: string };

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostOutcome> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-ndjson", "User-Agent": "Casefile-SIEM/1", ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => null); // read to the end: frees the connection
    if (response.ok) return { ok: true };
    const retriable = response.status === 408 || response.status === 429 || response.status >= 500;
    return { ok: false, retriable, why: `HTTP ${response.status}` };
  } catch (error) {
    // Network errors and timeouts: the receiver may be back in a moment.
    return { ok: false, retriable: true, why: error instanceof Error ? error.message : String(error) };
  }
}

export type HttpSinkOptions = {
  headers?: Record<string, string>;
  /** Attempts per batch; waits 1 s, 2 s, 4 s … between them. */
  attempts?: number;
  timeoutMs?: number;
  backoffMs?: number;
};

/**
 * POSTs each batch as `application/x-ndjson`. A 2xx is delivery; 408, 429 and 5xx and
 * network errors are retried with backoff; any other status fails at once (a wrong URL or
 * credentials will not fix themselves). The sequence headers let a receiver drop repeats.
 */
export function httpSink(url: string, options: HttpSinkOptions = {}): SiemSink {
  const { attempts = 4, timeoutMs = 10_000, backoffMs = 1_000 } = options;
  // Messages name the endpoint without credentials or query (tokens often travel there).
  const endpoint = (({ origin, pathname }) => origin + pathname)(new URL(url));
  return {
    async write(lines, firstSeq, lastSeq) {
      const body = lines.join("\n") + "\n";
      for (let attempt = 1; ; attempt++) {
        const outcome = await post(
          url,
          body,
          { ...options.headers, ...sequenceHeaders(firstSeq, lastSeq) },
          timeoutMs,
        );
        if (outcome.ok) return;
        if (!outcome.retriable) throw new Error(`${endpoint} answered ${outcome.why}`);
        if (attempt >= attempts)
          throw new Error(`${endpoint} failed after ${attempts} attempts: ${outcome.why}`);
        await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
      }
    },
    close: () => Promise.resolve(),
  };
}
