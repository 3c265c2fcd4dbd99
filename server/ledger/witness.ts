/**
 * A witness (C2SP tlog-witness): it cosigns a log's new checkpoint only when a
 * consistency proof shows it extends the last checkpoint it cosigned, so a log
 * that rewrites history, even re-signed with its own key, gets no cosignature.
 * It keeps one record per log (size, root) in a state file, written before it answers.
 */
import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { verifyCheckpoint, type Checkpoint, type Verifier } from "./checkpoint";
import { splitNote, type WitnessSigner } from "./cosignature";
import { verifyConsistency } from "./merkle";

export type WitnessOptions = {
  signer: WitnessSigner;
  /** The logs it witnesses: origin → the log's checkpoint verifier. */
  logs: Map<string, Verifier>;
  stateFile: string;
  log?: (message: string) => void;
};

type State = Record<string, { size: number; root: string }>;
type Answer = { status: number; body: string; type?: string };

const MAX_BODY = 64 * 1024;
const MAX_PROOF = 63;

export function createWitness(options: WitnessOptions): Server {
  let queue: Promise<unknown> = Promise.resolve();
  const server = createServer((req, res) => {
    // One request at a time: the size check and the state write must not interleave.
    const turn = queue
      .then(() => handle(options, req))
      .catch((error: unknown) => {
        options.log?.(`witness: ${error instanceof Error ? error.message : String(error)}`);
        return { status: 500, body: "internal error\n" };
      });
    queue = turn;
    void turn.then((a) => reply(res, a));
  });
  return server;
}

function reply(res: ServerResponse, a: Answer) {
  res.writeHead(a.status, { "content-type": a.type ?? "text/plain; charset=utf-8" });
  res.end(a.body);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_BODY) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function handle(options: WitnessOptions, req: IncomingMessage): Promise<Answer> {
  if (req.method !== "POST" || req.url !== "/add-checkpoint") return { status: 404, body: "not found\n" };
  const text = await readBody(req);
  if (text === null) return { status: 400, body: "request too large\n" };
  const parsed = parseRequest(text);
  if ("error" in parsed) return { status: 400, body: `${parsed.error}\n` };
  const { oldSize, proof, note } = parsed;

  const origin = note.slice(0, note.indexOf("\n"));
  const verifier = options.logs.get(origin);
  if (!verifier) return { status: 404, body: `unknown log ${origin}\n` };
  let cp: Checkpoint;
  try {
    cp = verifyCheckpoint(note, verifier);
  } catch (error) {
    return { status: 403, body: `the checkpoint is not signed by the log's key: ${String(error)}\n` };
  }
  if (oldSize > cp.size) return { status: 400, body: "old size exceeds the checkpoint size\n" };

  const state = await readState(options.stateFile);
  const known = state[origin] ?? { size: 0, root: "" };
  if (oldSize !== known.size) {
    return { status: 409, body: `${known.size}\n`, type: "text/x.tlog.size" };
  }
  if (oldSize === cp.size) {
    if (oldSize > 0 && known.root !== cp.root.toString("base64")) {
      options.log?.(`witness: ${origin} signed two roots for size ${cp.size}`);
      return { status: 409, body: `${known.size}\n`, type: "text/x.tlog.size" };
    }
  } else if (oldSize === 0 ? proof.length !== 0 : !consistent(known, cp, proof)) {
    options.log?.(`witness: ${origin} checkpoint ${cp.size} is not consistent with ${known.size}`);
    return { status: 422, body: "the consistency proof does not verify\n" };
  }
  state[origin] = { size: cp.size, root: cp.root.toString("base64") };
  await writeState(options.stateFile, state);
  const time = Math.floor(Date.now() / 1000);
  return { status: 200, body: options.signer.cosign(splitNote(note).body, time) };
}

function consistent(known: { size: number; root: string }, cp: Checkpoint, proof: Buffer[]): boolean {
  return verifyConsistency(known.size, cp.size, proof, Buffer.from(known.root, "base64"), cp.root);
}

/** `old <size>\n`, up to 63 base64 hash lines, a blank line, then the signed checkpoint. */
function parseRequest(text: string): { oldSize: number; proof: Buffer[]; note: string } | { error: string } {
  const blank = text.indexOf("\n\n");
  if (blank < 0) return { error: "no blank line before the checkpoint" };
  const [head = "", ...proofLines] = text.slice(0, blank).split("\n");
  const size = /^old (0|[1-9][0-9]{0,15})$/.exec(head)?.[1];
  if (size === undefined) return { error: 'the first line must be "old <size>"' };
  if (proofLines.length > MAX_PROOF) return { error: "too many consistency proof lines" };
  const proof: Buffer[] = [];
  for (const line of proofLines) {
    const hash = Buffer.from(line, "base64");
    if (hash.length !== 32 || hash.toString("base64") !== line)
      return { error: "a proof line is not a base64 hash" };
    proof.push(hash);
  }
  return { oldSize: Number(size), proof, note: text.slice(blank + 2) };
}

async function readState(file: string): Promise<State> {
  if (!existsSync(file)) return {};
  return JSON.parse(await readFile(file, "utf8")) as State;
}

async function writeState(file: string, state: State): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  await rename(tmp, file);
}
