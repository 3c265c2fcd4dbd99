/**
 * A signed evidence bundle: the ledger entries of one report scope, each with its
 * RFC 9162 inclusion proof against one signed checkpoint, the checkpoint note and
 * the verifier key. It verifies with no database; the code here needs none.
 */
import { canonicalize } from "./canonical";
import { parseVerifierKey, verifyCheckpoint } from "./checkpoint";
import { cosigners, witnessVerdict, type WitnessPolicy } from "./cosignature";
import { entryCaseKey } from "./entry";
import { leafHash, verifyInclusion } from "./merkle";
import type { VerifyProblem, VerifyReport } from "./verify";

export const BUNDLE_FORMAT = "casefile-evidence-bundle";

export type BundleScope =
  { kind: "period"; from: string; to: string } | { kind: "case"; caseId: string; caseKey: string };

export type BundleEntry = {
  seq: number;
  /** hex SHA-256(0x00 ‖ body) */
  leafHash: string;
  /** hex audit path, leaf to root */
  proof: string[];
  /** the entry's canonical JSON (RFC 8785), exactly the bytes its leaf hash covers */
  body: string;
};

export type EvidenceBundle = {
  format: typeof BUNDLE_FORMAT;
  version: 1;
  generatedAt: string;
  scope: BundleScope;
  origin: string;
  verifierKey: string;
  /** C2SP signed note: every proof is against this checkpoint's size and root. */
  checkpoint: string;
  /** At most this many entries are carried; `truncated` says the scope had more. */
  entryLimit: number;
  truncated: boolean;
  /** Entries in scope written after the checkpoint, so not in this bundle. */
  notYetCheckpointed: number;
  entries: BundleEntry[];
};

export type BundleReport = VerifyReport & {
  verifierKey: string;
  keyFromFile: boolean;
  scope: BundleScope | null;
};

const HEX_HASH = /^[0-9a-f]{64}$/;
const MAX_PROBLEMS = 50;

/** Cheap sniff for the CLI: bundles start with their format (exports with a header line of their own). */
export function looksLikeBundle(head: string): boolean {
  return /^\s*\{\s*"format"\s*:\s*"casefile-evidence-bundle"/.test(head);
}

/** Writes the bundle with `format` first (so {@link looksLikeBundle} sees it) and one entry per line. */
export function formatBundle(bundle: EvidenceBundle): string {
  const { entries, ...head } = bundle;
  const top = JSON.stringify(head, null, 2).slice(0, -2); // drop the closing "\n}"
  const lines = entries.map((e) => `    ${JSON.stringify(e)}`).join(",\n");
  return `${top},\n  "entries": [\n${lines}${entries.length ? "\n" : ""}  ]\n}\n`;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function inScope(scope: BundleScope, body: Record<string, unknown>): boolean {
  if (scope.kind === "case") return entryCaseKey(body) === scope.caseKey;
  // Ledger times have microseconds; widen the bounds the same way so text order is time order.
  const micro = (iso: string) => iso.replace(/Z$/, "000Z");
  const at = typeof body.at === "string" ? body.at : "";
  return at >= micro(scope.from) && at < micro(scope.to);
}

function isCanonical(value: unknown, text: string): boolean {
  try {
    return canonicalize(value) === text;
  } catch {
    return false; // e.g. a lone surrogate escaped in the text
  }
}

function parseScope(v: unknown): BundleScope | null {
  if (!isObject(v)) return null;
  if (v.kind === "case" && typeof v.caseKey === "string" && typeof v.caseId === "string") {
    return { kind: "case", caseId: v.caseId, caseKey: v.caseKey };
  }
  if (v.kind === "period" && typeof v.from === "string" && typeof v.to === "string") {
    return { kind: "period", from: v.from, to: v.to };
  }
  return null;
}

/**
 * Verifies a bundle's text: the checkpoint's signature (with `trustedKey`, else the
 * bundle's own key, reported), then for every entry its canonical form, its leaf hash
 * recomputed from its bytes, its inclusion proof against the signed root, its order and
 * that it belongs to the stated scope. Never throws: a malformed bundle is a failed one.
 */
export function verifyEvidenceBundle(
  text: string,
  trustedKey?: string | null,
  witnesses?: WitnessPolicy | null,
): BundleReport {
  const problems: VerifyProblem[] = [];
  let firstBadSeq: number | null = null;
  const fail = (seq: number | null, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ seq, message });
    if (seq !== null && (firstBadSeq === null || seq < firstBadSeq)) firstBadSeq = seq;
  };
  const result = (extra: Partial<BundleReport>): BundleReport => ({
    ok: problems.length === 0,
    entries: 0,
    checkpointsChecked: 0,
    latestCheckpoint: null,
    unsignedTail: 0,
    firstBadSeq,
    problems,
    caveats: [],
    witnessedThrough: null,
    verifierKey: trustedKey ?? "",
    keyFromFile: !trustedKey,
    scope: null,
    ...extra,
  });

  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    fail(null, `not valid JSON: ${errorText(error)}`);
    return result({});
  }
  if (!isObject(doc) || doc.format !== BUNDLE_FORMAT || doc.version !== 1) {
    fail(null, "not a Casefile evidence bundle (format/version)");
    return result({});
  }
  const verifierKey = trustedKey ?? (typeof doc.verifierKey === "string" ? doc.verifierKey : "");
  const scope = parseScope(doc.scope);
  if (!scope) fail(null, "the bundle's scope is malformed");
  let checkpoint;
  try {
    checkpoint = verifyCheckpoint(String(doc.checkpoint), parseVerifierKey(verifierKey));
  } catch (error) {
    fail(null, `the checkpoint is not validly signed: ${errorText(error)}`);
    return result({ verifierKey, scope });
  }
  if (checkpoint.origin !== doc.origin)
    fail(null, `the checkpoint is for another log (${checkpoint.origin})`);
  let witnessedThrough: number | null = null;
  if (witnesses) {
    const { valid, invalid } = cosigners(String(doc.checkpoint), witnesses.witnesses);
    for (const name of invalid) fail(null, `the cosignature by ${name} does not verify`);
    const verdict = witnessVerdict(witnesses, new Map([[checkpoint.size, new Set(valid)]]), [
      checkpoint.size,
    ]);
    for (const p of verdict.problems) fail(null, p);
    witnessedThrough = verdict.witnessedThrough;
  }
  const entries = Array.isArray(doc.entries) ? (doc.entries as unknown[]) : null;
  if (!entries) fail(null, "the bundle has no entries array");

  let previous = -1;
  for (const [i, raw] of (entries ?? []).entries()) {
    const e = isObject(raw) ? raw : {};
    const seq = typeof e.seq === "number" && Number.isSafeInteger(e.seq) && e.seq >= 0 ? e.seq : null;
    if (seq === null) {
      fail(previous + 1, `entry #${i} has no valid sequence number`);
      continue;
    }
    if (seq <= previous) fail(seq, `entry ${seq} is out of order or repeated`);
    previous = Math.max(previous, seq);
    if (typeof e.body !== "string") {
      fail(seq, `entry ${seq} has no body`);
      continue;
    }
    const proof = Array.isArray(e.proof) ? e.proof : null;
    if (
      typeof e.leafHash !== "string" ||
      !HEX_HASH.test(e.leafHash) ||
      !proof?.every((p) => typeof p === "string" && HEX_HASH.test(p))
    ) {
      fail(seq, `entry ${seq} has a malformed leaf hash or proof`);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(e.body);
    } catch {
      fail(seq, `entry ${seq} is not JSON`);
      continue;
    }
    if (!isObject(parsed) || !isCanonical(parsed, e.body)) {
      fail(seq, `entry ${seq} is not in canonical form (RFC 8785)`);
      continue;
    }
    const leaf = leafHash(Buffer.from(e.body, "utf8"));
    if (leaf.toString("hex") !== e.leafHash) {
      fail(seq, `entry ${seq} does not match its leaf hash`);
      continue;
    }
    const path = proof.map((p) => Buffer.from(String(p), "hex"));
    if (!verifyInclusion(leaf, seq, checkpoint.size, path, checkpoint.root)) {
      fail(seq, `entry ${seq} is not included in the signed checkpoint of size ${checkpoint.size}`);
      continue;
    }
    if (scope && !inScope(scope, parsed)) fail(seq, `entry ${seq} lies outside the bundle's scope`);
  }
  return result({
    entries: entries?.length ?? 0,
    checkpointsChecked: 1,
    latestCheckpoint: { size: checkpoint.size, root: checkpoint.root.toString("base64") },
    verifierKey,
    scope,
    witnessedThrough,
  });
}
