import "server-only";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { env } from "../env";
import {
  generateSignerKey,
  parseSignerKey,
  parseVerifierKey,
  type Signer,
  type Verifier,
} from "./checkpoint";
import { parseWitnessVerifier, type WitnessPolicy, type WitnessVerifier } from "./cosignature";

export function ledgerConfig() {
  const config = env();
  const dir = path.resolve(config.CASEFILE_DATA_DIR, "ledger");
  return {
    origin: config.LEDGER_ORIGIN,
    // Runtime data, not build inputs: keep the bundler's file tracer out of these paths.
    signingKeyFile: path.resolve(
      /* turbopackIgnore: true */ config.LEDGER_SIGNING_KEY_FILE ?? path.join(dir, "signing-key"),
    ),
    checkpointDir: path.resolve(
      /* turbopackIgnore: true */ config.LEDGER_CHECKPOINT_DIR ?? path.join(dir, "checkpoints"),
    ),
    verifierKey: config.LEDGER_VERIFIER_KEY ?? null,
  };
}

/** The checkpoint signer; its key lives in a file outside the database, created on first use. */
export async function loadSigner(create = true): Promise<Signer> {
  const { signingKeyFile, origin } = ledgerConfig();
  if (!existsSync(/* turbopackIgnore: true */ signingKeyFile)) {
    if (!create) {
      throw new Error(
        `no ledger signing key at ${signingKeyFile}: start the app once (npm start) to create it, or set LEDGER_VERIFIER_KEY`,
      );
    }
    await mkdir(path.dirname(signingKeyFile), { recursive: true });
    await writeFile(signingKeyFile, generateSignerKey(origin) + "\n", { mode: 0o600 });
  }
  return parseSignerKey((await readFile(/* turbopackIgnore: true */ signingKeyFile, "utf8")).trim());
}

/** The key checkpoints must verify with: LEDGER_VERIFIER_KEY, else the signing key's public half. */
export async function loadVerifier(): Promise<{ verifier: Verifier; verifierKey: string }> {
  const configured = ledgerConfig().verifierKey;
  const verifierKey = configured ?? (await loadSigner(false)).verifierKey;
  return { verifier: parseVerifierKey(verifierKey), verifierKey };
}

/** Checkpoints copied outside the database by the integrator. */
export async function readOutsideCheckpoints(dir = ledgerConfig().checkpointDir): Promise<string[]> {
  const file = path.join(dir, "checkpoints.jsonl");
  if (!existsSync(file)) return [];
  return parseCheckpointCopies(await readFile(file, "utf8"));
}

/**
 * Checkpoint notes from a file a verifier holds: the integrator's `checkpoints.jsonl`
 * (one `{"note": …}` per line) or a single signed note (its `latest` file).
 */
export function parseCheckpointCopies(text: string): string[] {
  if (!text.trimStart().startsWith("{")) return text.trim() ? [text] : [];
  const notes: string[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`checkpoint copies: line ${i + 1} is not JSON`);
    }
    const note = typeof parsed === "object" && parsed !== null && "note" in parsed ? parsed.note : null;
    if (typeof note !== "string") throw new Error(`checkpoint copies: line ${i + 1} has no "note"`);
    notes.push(note);
  }
  return notes;
}

export type WitnessEndpoint = { url: string | null; verifier: WitnessVerifier };

/** Parses `<url> <vkey>, <vkey>, …` (see CASEFILE_WITNESSES). */
export function parseWitnessList(text: string): WitnessEndpoint[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const words = item.split(/\s+/);
      const [first = "", second] = words;
      if (words.length > 2) throw new Error(`CASEFILE_WITNESSES: "${item}" is not "<url> <key>"`);
      return second === undefined
        ? { url: null, verifier: parseWitnessVerifier(first) }
        : { url: new URL(first).toString(), verifier: parseWitnessVerifier(second) };
    });
}

/** The configured witnesses and quorum; null when none are configured. */
export function witnessConfig(): { endpoints: WitnessEndpoint[]; policy: WitnessPolicy } | null {
  const config = env();
  const endpoints = parseWitnessList(config.CASEFILE_WITNESSES ?? "");
  if (!endpoints.length) return null;
  const quorum = config.CASEFILE_WITNESS_QUORUM ?? endpoints.length;
  if (quorum > endpoints.length) {
    throw new Error(
      `CASEFILE_WITNESS_QUORUM is ${quorum} but only ${endpoints.length} witnesses are configured`,
    );
  }
  return { endpoints, policy: { witnesses: endpoints.map((e) => e.verifier), quorum } };
}
