/**
 * C2SP tlog-checkpoint bodies in C2SP signed notes with Ed25519 keys, in the
 * formats of Go's golang.org/x/mod/sumdb/note, so standard tooling (and
 * witnesses) can read and check what the ledger signs.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from "node:crypto";

export type Checkpoint = { origin: string; size: number; root: Buffer; extensions: string[] };
export type Signer = {
  name: string;
  keyHash: Buffer;
  sign(message: Uint8Array): Buffer;
  verifierKey: string;
};
export type Verifier = {
  name: string;
  keyHash: Buffer;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
};

const ALG_ED25519 = 0x01;
const HASH_SIZE = 32;
const SEED_SIZE = 32;
const SIGNATURE_SIZE = 64;
export const SIG_PREFIX = "\u2014 "; // em dash, space
// The spec says accept at least 16; Go's note package stops at 100.
const MAX_SIGNATURES = 100;
// DER wrappers that turn a raw Ed25519 seed / public key into PKCS#8 / SPKI (RFC 8410).
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
export const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

// In a `u` regex a well-formed pair is one code point, so only lone surrogates match.
const LONE_SURROGATE = /\p{Cs}/u;
// Go's unicode.IsSpace is JS \s plus U+0085 (NEL).
const NAME_FORBIDDEN = /[\s\u0085+]/u;

/**
 * Signed notes must be UTF-8 without ASCII controls other than newline; a JS
 * string cannot be invalid UTF-8 except through lone surrogates.
 */
function hasBadText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return LONE_SURROGATE.test(s);
}

export function isValidName(name: string): boolean {
  return name !== "" && !NAME_FORBIDDEN.test(name) && !hasBadText(name);
}

/**
 * RFC 4648 base64, padded, standard alphabet (Buffer.from alone skips junk).
 * Non-zero pad bits pass unless `canonical`, as in Go's decoder, so other
 * signers' lines parse as Go parses them.
 */
export function decodeBase64(s: string, canonical = false): Buffer | null {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
  const bytes = Buffer.from(s, "base64");
  return !canonical || bytes.toString("base64") === s ? bytes : null;
}

/** Splits at the first "+", like Go's note.chop. */
function chop(s: string): [string, string] {
  const at = s.indexOf("+");
  return at < 0 ? [s, ""] : [s.slice(0, at), s.slice(at + 1)];
}

/** SHA-256(name || "\n" || algorithm byte || public key)[:4]. */
export function keyHash(name: string, algAndKey: Uint8Array): Buffer {
  return createHash("sha256").update(name, "utf8").update("\n").update(algAndKey).digest().subarray(0, 4);
}

export function ed25519Private(seed: Uint8Array): { privateKey: KeyObject; publicKey: Buffer } {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return { privateKey, publicKey: spki.subarray(SPKI_PREFIX.length) };
}

function keyString(name: string, hash: Buffer, key: Buffer): string {
  return `${name}+${hash.toString("hex")}+${Buffer.concat([Buffer.from([ALG_ED25519]), key]).toString("base64")}`;
}

/** A new Ed25519 key as `PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>`. */
/** An Ed25519 public key object from its 32 raw bytes, or null when they are not one. */
export function ed25519Public(raw: Uint8Array): KeyObject | null {
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" });
  } catch {
    return null;
  }
}

export function generateSignerKey(name: string): string {
  if (!isValidName(name)) throw new Error(`invalid key name ${JSON.stringify(name)}`);
  const seed = randomBytes(SEED_SIZE);
  const { publicKey } = ed25519Private(seed);
  const hash = keyHash(name, Buffer.concat([Buffer.from([ALG_ED25519]), publicKey]));
  return `PRIVATE+KEY+${keyString(name, hash, seed)}`;
}

/** Parses a signer key string. Error messages never echo the key, which is secret. */
export function parseSignerKey(skey: string): Signer {
  const fail = (why: string): never => {
    throw new Error(`malformed signer key: ${why}`);
  };
  const [priv, rest1] = chop(skey);
  const [keyWord, rest2] = chop(rest1);
  const [name, rest3] = chop(rest2);
  const [hash16, key64] = chop(rest3);
  if (priv !== "PRIVATE" || keyWord !== "KEY") fail('expected "PRIVATE+KEY+<name>+<hash>+<key>"');
  if (!isValidName(name)) fail("invalid key name");
  if (!/^[0-9a-fA-F]{8}$/.test(hash16)) fail("key hash is not 8 hex digits");
  const key = decodeBase64(key64);
  if (!key) return fail("key is not base64");
  if (key[0] !== ALG_ED25519) fail("unknown key algorithm (want Ed25519)");
  if (key.length !== 1 + SEED_SIZE) fail("Ed25519 seed is not 32 bytes");
  const { privateKey, publicKey } = ed25519Private(key.subarray(1));
  const hash = keyHash(name, Buffer.concat([Buffer.from([ALG_ED25519]), publicKey]));
  if (!hash.equals(Buffer.from(hash16, "hex"))) fail("key hash does not match the key");
  return {
    name,
    keyHash: hash,
    sign: (message) => sign(null, message, privateKey),
    verifierKey: keyString(name, hash, publicKey),
  };
}

/** Parses `<name>+<hash>+<base64(0x01 || public key)>`. */
export function parseVerifierKey(vkey: string): Verifier {
  const fail = (why: string): never => {
    throw new Error(`malformed verifier key ${JSON.stringify(vkey)}: ${why}`);
  };
  const [name, rest] = chop(vkey);
  const [hash16, key64] = chop(rest);
  if (!isValidName(name)) fail("invalid key name");
  if (!/^[0-9a-fA-F]{8}$/.test(hash16)) fail("key hash is not 8 hex digits");
  const key = decodeBase64(key64);
  if (!key) return fail("key is not base64");
  if (key[0] !== ALG_ED25519) fail("unknown key algorithm (want Ed25519)");
  if (key.length !== 1 + HASH_SIZE) fail("Ed25519 public key is not 32 bytes");
  const hash = keyHash(name, key);
  if (!hash.equals(Buffer.from(hash16, "hex"))) fail("key hash does not match the key");
  const publicKey = ed25519Public(key.subarray(1));
  if (!publicKey) return fail("not an Ed25519 public key");
  return {
    name,
    keyHash: hash,
    verify(message, signature) {
      if (signature.length !== SIGNATURE_SIZE) return false;
      try {
        return verify(null, message, publicKey, signature);
      } catch {
        return false;
      }
    },
  };
}

function checkLine(what: string, line: string): void {
  if (line === "") throw new Error(`checkpoint ${what} is empty`);
  if (line.includes("\n") || hasBadText(line)) {
    throw new Error(`checkpoint ${what} contains a newline or control character`);
  }
}

/** `<origin>\n<size>\n<base64 root>\n` followed by any extension lines. */
export function formatCheckpointBody(c: Omit<Checkpoint, "extensions"> & { extensions?: string[] }): string {
  checkLine("origin", c.origin);
  if (!Number.isSafeInteger(c.size) || c.size < 0)
    throw new Error(`checkpoint size ${c.size} is not a count`);
  if (c.root.length !== HASH_SIZE)
    throw new Error(`checkpoint root is ${c.root.length} bytes, not ${HASH_SIZE}`);
  const extensions = c.extensions ?? [];
  for (const line of extensions) checkLine("extension line", line);
  return [c.origin, String(c.size), Buffer.from(c.root).toString("base64"), ...extensions]
    .map((l) => `${l}\n`)
    .join("");
}

/** Strict inverse of {@link formatCheckpointBody}. */
export function parseCheckpointBody(body: string): Checkpoint {
  if (!body.endsWith("\n")) throw new Error("checkpoint does not end with a newline");
  const lines = body.slice(0, -1).split("\n");
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === undefined || sizeText === undefined || rootText === undefined) {
    throw new Error("checkpoint has fewer than three lines");
  }
  checkLine("origin", origin);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) {
    throw new Error(`checkpoint size ${JSON.stringify(sizeText)} is not a decimal without leading zeros`);
  }
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new Error(`checkpoint size ${sizeText} is too large`);
  // Canonical, so one root has one body text.
  const root = decodeBase64(rootText, true);
  if (!root || root.length !== HASH_SIZE)
    throw new Error("checkpoint root hash is not 32 bytes of canonical base64");
  for (const line of extensions) checkLine("extension line", line);
  return { origin, size, root, extensions };
}

/** Appends the blank line and `signer`'s signature line to a note body. */
export function signNote(body: string, signer: Signer): string {
  if (!body.endsWith("\n")) throw new Error("note text must end with a newline");
  if (hasBadText(body)) throw new Error("note text contains a control character or lone surrogate");
  if (!isValidName(signer.name)) throw new Error(`invalid key name ${JSON.stringify(signer.name)}`);
  if (signer.keyHash.length !== 4) throw new Error("signer key hash is not 4 bytes");
  const signature = signer.sign(Buffer.from(body, "utf8"));
  const b64 = Buffer.concat([signer.keyHash, signature]).toString("base64");
  return `${body}\n${SIG_PREFIX}${signer.name} ${b64}\n`;
}

/**
 * Verifies a signed note with the given verifier: returns the body if a
 * signature line for this key (matching name and key hash) verifies; throws
 * Error("checkpoint signature does not verify" / "no signature by <name>" /
 * "malformed note…") otherwise. Unknown other signers' lines are ignored.
 */
export function openNote(note: string, verifier: Verifier): string {
  const malformed = (why: string): never => {
    throw new Error(`malformed note: ${why}`);
  };
  if (hasBadText(note)) malformed("contains a control character or lone surrogate");
  // The body ends at the last blank line: bodies may contain blank lines, signature blocks may not.
  const split = note.lastIndexOf("\n\n");
  if (split < 0) malformed("no blank line before the signatures");
  const body = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === "" || !block.endsWith("\n")) malformed("signature block is empty or lacks a final newline");
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) malformed(`more than ${MAX_SIGNATURES} signatures`);
  const message = Buffer.from(body, "utf8");
  let verified = false;
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) malformed(`not a signature line: ${JSON.stringify(line)}`);
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(" ");
    const name = space < 0 ? rest : rest.slice(0, space);
    const sig = space < 0 ? null : decodeBase64(rest.slice(space + 1));
    if (!isValidName(name) || !sig || sig.length < 5)
      malformed(`bad signature line: ${JSON.stringify(line)}`);
    if (!sig || name !== verifier.name || !sig.subarray(0, 4).equals(verifier.keyHash)) continue;
    // A known key's bad signature rejects the note, even beside a good one.
    if (!verifier.verify(message, sig.subarray(4))) throw new Error("checkpoint signature does not verify");
    verified = true;
  }
  if (!verified) throw new Error(`no signature by ${verifier.name}`);
  return body;
}

export function signCheckpoint(c: { origin: string; size: number; root: Buffer }, signer: Signer): string {
  return signNote(formatCheckpointBody(c), signer);
}

/** Opens the note with `verifier` and parses its body; the caller checks the origin. */
export function verifyCheckpoint(note: string, verifier: Verifier): Checkpoint {
  return parseCheckpointBody(openNote(note, verifier));
}
