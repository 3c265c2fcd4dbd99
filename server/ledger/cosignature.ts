/**
 * C2SP tlog-cosignature (cosignature/v1, Ed25519): a witness's statement that, at
 * its time, the checkpoint is the largest consistent tree it has seen of the log.
 * Signed message: "cosignature/v1\ntime <t>\n" + the checkpoint body; signature
 * line: "— <name> base64(key ID ‖ u64 time ‖ Ed25519 signature)", key ID =
 * SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4].
 */
import { randomBytes, sign, verify } from "node:crypto";
import { decodeBase64, ed25519Private, ed25519Public, isValidName, keyHash, SIG_PREFIX } from "./checkpoint";

const ALG_COSIGNATURE = 0x04;

export type WitnessSigner = {
  name: string;
  verifierKey: string;
  /** The signature line (with newline) cosigning `body` at `time` (seconds). */
  cosign(body: string, time: number): string;
};

export type WitnessVerifier = {
  name: string;
  keyHash: Buffer;
  verifierKey: string;
  /** The cosignature's time if `signature` (key ID stripped) cosigns `body`, else null. */
  verify(body: string, signature: Buffer): number | null;
};

/** Splits at the first `parts - 1` "+" signs: base64 key material may hold "+" itself. */
function splitKey(key: string, parts: number): string[] {
  const out: string[] = [];
  let rest = key;
  while (out.length < parts - 1 && rest.includes("+")) {
    out.push(rest.slice(0, rest.indexOf("+")));
    rest = rest.slice(rest.indexOf("+") + 1);
  }
  return [...out, rest];
}

function message(body: string, time: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${time}\n${body}`, "utf8");
}

function vkeyString(name: string, publicKey: Buffer): string {
  const material = Buffer.concat([Buffer.from([ALG_COSIGNATURE]), publicKey]);
  return `${name}+${keyHash(name, material).toString("hex")}+${material.toString("base64")}`;
}

/** A new witness key as `PRIVATE+KEY+<name>+<hash>+<base64(0x04 || seed)>`. */
export function generateWitnessKey(name: string): string {
  if (!isValidName(name)) throw new Error(`invalid witness name ${JSON.stringify(name)}`);
  const seed = randomBytes(32);
  const { publicKey } = ed25519Private(seed);
  const hash = keyHash(name, Buffer.concat([Buffer.from([ALG_COSIGNATURE]), publicKey]));
  return `PRIVATE+KEY+${name}+${hash.toString("hex")}+${Buffer.concat([Buffer.from([ALG_COSIGNATURE]), seed]).toString("base64")}`;
}

/** Parses a witness signer key. Errors never echo the key. */
export function parseWitnessSigner(skey: string): WitnessSigner {
  const [priv, word, name = "", hash16 = "", key64 = ""] = splitKey(skey, 5);
  const key = decodeBase64(key64);
  if (priv !== "PRIVATE" || word !== "KEY" || !isValidName(name))
    throw new Error('malformed witness key: expected "PRIVATE+KEY+<name>+<hash>+<key>"');
  if (!key || key.length !== 33 || key[0] !== ALG_COSIGNATURE)
    throw new Error("malformed witness key: not an Ed25519 cosignature (0x04) seed");
  const { privateKey, publicKey } = ed25519Private(key.subarray(1));
  const id = keyHash(name, Buffer.concat([Buffer.from([ALG_COSIGNATURE]), publicKey]));
  if (id.toString("hex") !== hash16.toLowerCase())
    throw new Error("malformed witness key: key hash does not match");
  return {
    name,
    verifierKey: vkeyString(name, publicKey),
    cosign(body, time) {
      const stamp = Buffer.alloc(8);
      stamp.writeBigUInt64BE(BigInt(time));
      const signature = sign(null, message(body, time), privateKey);
      return `${SIG_PREFIX}${name} ${Buffer.concat([id, stamp, signature]).toString("base64")}\n`;
    },
  };
}

/** Parses `<name>+<hash>+<base64(0x04 || public key)>`. */
export function parseWitnessVerifier(vkey: string): WitnessVerifier {
  const fail = (why: string): never => {
    throw new Error(`malformed witness verifier key ${JSON.stringify(vkey)}: ${why}`);
  };
  const [name = "", hash16 = "", key64 = ""] = splitKey(vkey, 3);
  const key = decodeBase64(key64);
  if (!isValidName(name)) fail("expected <name>+<hash>+<key>");
  if (!key || key.length !== 33 || key[0] !== ALG_COSIGNATURE)
    return fail("not an Ed25519 cosignature (0x04) key");
  const id = keyHash(name, key);
  if (id.toString("hex") !== hash16.toLowerCase()) fail("key hash does not match the key");
  const publicKey = ed25519Public(key.subarray(1));
  if (!publicKey) return fail("not an Ed25519 public key");
  return {
    name,
    keyHash: id,
    verifierKey: vkey,
    verify(body, signature) {
      if (signature.length !== 8 + 64) return null;
      const time = signature.readBigUInt64BE(0);
      if (time > BigInt(Number.MAX_SAFE_INTEGER)) return null;
      try {
        return verify(null, message(body, Number(time)), publicKey, signature.subarray(8))
          ? Number(time)
          : null;
      } catch {
        return null;
      }
    },
  };
}

/** A note's body (up to and including its blank line's first newline) and its signature lines. */
export function splitNote(note: string): { body: string; lines: string[] } {
  const split = note.lastIndexOf("\n\n");
  if (split < 0) return { body: note, lines: [] };
  return {
    body: note.slice(0, split + 1),
    lines: note
      .slice(split + 2)
      .split("\n")
      .filter(Boolean),
  };
}

/** Adds signature lines to a note, each once. */
export function addSignatures(note: string, lines: string[]): string {
  const { body, lines: have } = splitNote(note);
  const all = [...have, ...lines.map((l) => l.replace(/\n$/, ""))];
  return `${body}\n${[...new Set(all)].map((l) => `${l}\n`).join("")}`;
}

/**
 * Which configured witnesses cosigned the note: `valid` names those whose line
 * verifies; `invalid` those with a line under their name and key ID that does not.
 */
export function cosigners(
  note: string,
  witnesses: WitnessVerifier[],
): { valid: string[]; invalid: string[] } {
  const { body, lines } = splitNote(note);
  const valid = new Set<string>();
  const invalid = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) continue;
    const [name, b64 = ""] = line.slice(SIG_PREFIX.length).split(" ");
    const sig = decodeBase64(b64);
    for (const w of witnesses) {
      if (!sig || w.name !== name || !sig.subarray(0, 4).equals(w.keyHash)) continue;
      if (w.verify(body, sig.subarray(4)) === null) invalid.add(w.name);
      else valid.add(w.name);
    }
  }
  return { valid: [...valid], invalid: [...invalid].filter((n) => !valid.has(n)) };
}

export type WitnessPolicy = { witnesses: WitnessVerifier[]; quorum: number };

/**
 * The verdict on witnessing: the largest checkpoint size with a quorum of valid
 * cosignatures, a problem when none has one, and a caveat for what came after.
 */
export function witnessVerdict(
  policy: WitnessPolicy,
  cosigned: Map<number, Set<string>>,
  sizes: number[],
): { witnessedThrough: number | null; problems: string[]; caveats: string[] } {
  const { quorum, witnesses } = policy;
  const names = witnesses.map((w) => w.name).join(", ");
  const witnessed = sizes.filter((size) => (cosigned.get(size)?.size ?? 0) >= quorum);
  const through = witnessed.length ? Math.max(...witnessed) : null;
  const latest = sizes.length ? Math.max(...sizes) : null;
  if (latest === null) return { witnessedThrough: null, problems: [], caveats: [] };
  const have = cosigned.get(latest)?.size ?? 0;
  if (through === null) {
    return {
      witnessedThrough: null,
      problems: [
        `no checkpoint carries the witnesses' quorum (${quorum} of ${names}): the latest, size ${latest}, has ${have}. ` +
          "A history rewritten and re-signed with the log's key looks like this",
      ],
      caveats: [],
    };
  }
  const caveats =
    latest > through
      ? [
          `checkpoints after size ${through} lack the witnesses' quorum (the latest, size ${latest}, has ${have} of ${quorum}): ` +
            "they rest on the log's key alone until the witnesses cosign a later one",
        ]
      : [];
  return { witnessedThrough: through, problems: [], caveats };
}
