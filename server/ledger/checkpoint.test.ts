import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  formatCheckpointBody,
  generateSignerKey,
  openNote,
  parseCheckpointBody,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  verifyCheckpoint,
} from "./checkpoint";

// Vectors copied from golang.org/x/mod sumdb/note/note_test.go (TestSign, TestOpen).
const PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG =
  "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";
const PETER_NOTE = `${TEXT}\n${PETER_SIG}`;

// Example body from the C2SP tlog-checkpoint spec (c2sp.org/tlog-checkpoint).
const C2SP_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

const ORIGIN = "casefile.test/checkpoint";
const ROOT = createHash("sha256").update("root").digest();
const errorOf = (f: () => unknown): string => {
  try {
    f();
    return "no error";
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
};

describe("keys (Go sumdb/note vectors)", () => {
  it("parses the PeterNeumann signer and derives the matching verifier key", () => {
    const signer = parseSignerKey(PETER_SKEY);
    expect(signer.name).toBe("PeterNeumann");
    expect(signer.keyHash.toString("hex")).toBe("c74f20a3");
    expect(signer.verifierKey).toBe(PETER_VKEY);
    const verifier = parseVerifierKey(PETER_VKEY);
    expect(verifier.name).toBe("PeterNeumann");
    expect(verifier.keyHash.toString("hex")).toBe("c74f20a3");
  });

  // Same manglings as Go's TestNewVerifier / TestNewSigner: every proper
  // substring and every single-character increment must be rejected.
  it.each([
    ["verifier", PETER_VKEY, parseVerifierKey],
    ["signer", PETER_SKEY, parseSignerKey],
  ] as const)("rejects every mangling of the %s key", (_kind, key, parse) => {
    for (let i = 0; i <= key.length; i++) {
      for (let j = i + 1; j <= key.length; j++) {
        if (i === 0 && j === key.length) continue;
        expect(() => parse(key.slice(i, j)), key.slice(i, j)).toThrow(/^malformed/);
      }
    }
    for (let i = 0; i < key.length; i++) {
      const bumped = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
      expect(() => parse(bumped), bumped).toThrow(/^malformed/);
    }
  });

  it("rejects a wrong-length key and an unknown algorithm even with adjusted key hashes", () => {
    expect(
      errorOf(() => parseVerifierKey(`PeterNeumann+cc469956+${PETER_VKEY.split("+")[2]}BADKEY==`)),
    ).toMatch(/not 32 bytes/);
    expect(
      errorOf(() => parseVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")),
    ).toMatch(/unknown key algorithm/);
  });

  it("does not echo the private key in errors", () => {
    const bad = PETER_SKEY.replace("c74f20a3", "c74f20a4");
    expect(errorOf(() => parseSignerKey(bad))).toBe("malformed signer key: key hash does not match the key");
  });

  it("generates keys that sign and verify, and only for the right message", () => {
    const skey = generateSignerKey("EnochRoot");
    expect(skey).toMatch(/^PRIVATE\+KEY\+EnochRoot\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const signer = parseSignerKey(skey);
    const verifier = parseVerifierKey(signer.verifierKey);
    expect(verifier.keyHash.equals(signer.keyHash)).toBe(true);
    const msg = Buffer.from("hi");
    const sig = signer.sign(msg);
    expect(verifier.verify(msg, sig)).toBe(true);
    const badSig = Buffer.from(sig);
    badSig[0] = (sig[0] ?? 0) ^ 1;
    expect(verifier.verify(msg, badSig)).toBe(false);
    expect(verifier.verify(Buffer.from("hj"), sig)).toBe(false);
    expect(verifier.verify(msg, sig.subarray(1))).toBe(false);
    expect(generateSignerKey("EnochRoot")).not.toBe(skey);
  });

  it.each(["", "a b", "a+b", "tab\there", "nbsp\u00a0", "nel\u0085", "ctl\u0001"])(
    "refuses to generate a key named %j",
    (name) => {
      expect(() => generateSignerKey(name)).toThrow(/invalid key name/);
    },
  );
});

describe("signed notes (Go sumdb/note vectors)", () => {
  it("reproduces Go's signature line exactly", () => {
    expect(signNote(TEXT, parseSignerKey(PETER_SKEY))).toBe(PETER_NOTE);
  });

  it("opens Go's note, ignoring an unknown signer's line", () => {
    const peter = parseVerifierKey(PETER_VKEY);
    expect(openNote(PETER_NOTE, peter)).toBe(TEXT);
    expect(openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, peter)).toBe(TEXT);
    expect(openNote(`${TEXT}\n${ENOCH_SIG}${PETER_SIG}`, parseVerifierKey(ENOCH_VKEY))).toBe(TEXT);
  });

  it("rejects a note with no line by the verifier's key", () => {
    const peter = parseVerifierKey(PETER_VKEY);
    expect(errorOf(() => openNote(`${TEXT}\n${ENOCH_SIG}`, peter))).toBe("no signature by PeterNeumann");
    const misnamed = PETER_SIG.replace("PeterNeumann", "CarmenSandiego");
    expect(errorOf(() => openNote(`${TEXT}\n${misnamed}`, peter))).toBe("no signature by PeterNeumann");
    // Changes the key hash bytes: the line is then some other key's.
    const wrongHash = PETER_SIG.replace("x08g", "xxxx");
    expect(errorOf(() => openNote(`${TEXT}\n${wrongHash}`, peter))).toBe("no signature by PeterNeumann");
  });

  it("rejects a corrupted signature by the known key", () => {
    const peter = parseVerifierKey(PETER_VKEY);
    // Go's TestOpen inserts "ABCD" at byte 60; the em dash is 3 bytes in UTF-8 but 1 code unit here.
    const longer = PETER_SIG.slice(0, 58) + "ABCD" + PETER_SIG.slice(58);
    expect(errorOf(() => openNote(`${TEXT}\n${longer}`, peter))).toBe("checkpoint signature does not verify");
    const changed = PETER_SIG.replace("BwJnAM=", "BwJnAA=");
    expect(errorOf(() => openNote(`${TEXT}\n${changed}`, peter))).toBe(
      "checkpoint signature does not verify",
    );
    // A bad signature by the known key rejects the note even beside a good one.
    expect(errorOf(() => openNote(`${TEXT}\n${PETER_SIG}${changed}`, peter))).toBe(
      "checkpoint signature does not verify",
    );
  });

  it.each([
    ["no signature block", TEXT],
    ["empty signature block", `${TEXT}\n`],
    ["no final newline", PETER_NOTE.slice(0, -1)],
    ["a control character", `\u0001${PETER_NOTE}`],
    ["a lone surrogate", `\ud800${PETER_NOTE}`],
    ["a carriage return", PETER_NOTE.replace("problem,\n", "problem,\r\n")],
    ["a name with a space", `${TEXT}\n${PETER_SIG.replace("PeterNeumann", "Bad Name")}`],
    ["a line without a signature", `${TEXT}\n— PeterNeumann\n`],
    ["a signature that is not base64", `${TEXT}\n${PETER_SIG.replace("x08go", "x08g!")}`],
    ["a signature shorter than 5 bytes", `${TEXT}\n— PeterNeumann x08g\n`],
    ["an unexpected line", `${PETER_NOTE}Unexpected line.\n`],
    ["an ASCII hyphen instead of the em dash", `${TEXT}\n${PETER_SIG.replace("—", "-")}`],
    ["too many signatures", `${TEXT}\n${PETER_SIG.repeat(101)}`],
  ])("rejects a note with %s as malformed", (_what, note) => {
    expect(errorOf(() => openNote(note, parseVerifierKey(PETER_VKEY)))).toMatch(/^malformed note/);
  });

  it("refuses to sign text that is not a valid note body", () => {
    const signer = parseSignerKey(PETER_SKEY);
    expect(() => signNote("", signer)).toThrow(/newline/);
    expect(() => signNote("abc", signer)).toThrow(/newline/);
    expect(() => signNote("a\rb\n", signer)).toThrow(/control character/);
  });
});

describe("checkpoints", () => {
  const signer = parseSignerKey(generateSignerKey(ORIGIN));
  const verifier = parseVerifierKey(signer.verifierKey);

  it("round-trips a signed checkpoint", () => {
    const note = signCheckpoint({ origin: ORIGIN, size: 20852163, root: ROOT }, signer);
    expect(note.startsWith(`${ORIGIN}\n20852163\n${ROOT.toString("base64")}\n\n— ${ORIGIN} `)).toBe(true);
    expect(verifyCheckpoint(note, verifier)).toEqual({
      origin: ORIGIN,
      size: 20852163,
      root: ROOT,
      extensions: [],
    });
  });

  it("round-trips the empty tree and opaque extension lines", () => {
    const empty = createHash("sha256").digest();
    const body = formatCheckpointBody({
      origin: ORIGIN,
      size: 0,
      root: empty,
      extensions: ["ext one", "— two"],
    });
    const cp = verifyCheckpoint(signNote(body, signer), verifier);
    expect(cp).toEqual({ origin: ORIGIN, size: 0, root: empty, extensions: ["ext one", "— two"] });
  });

  it("parses the C2SP spec's example body", () => {
    const cp = parseCheckpointBody(C2SP_BODY);
    expect(cp.origin).toBe("example.com/behind-the-sofa");
    expect(cp.size).toBe(20852163);
    expect(cp.root.toString("base64")).toBe("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
    expect(formatCheckpointBody(cp)).toBe(C2SP_BODY);
  });

  it("rejects a one-byte change to the signed body", () => {
    const note = signCheckpoint({ origin: ORIGIN, size: 5, root: ROOT }, signer);
    expect(errorOf(() => verifyCheckpoint(note.replace("\n5\n", "\n6\n"), verifier))).toBe(
      "checkpoint signature does not verify",
    );
  });

  it("ignores a signature by another key with the same name", () => {
    const impostor = parseSignerKey(generateSignerKey(ORIGIN));
    const note = signCheckpoint({ origin: ORIGIN, size: 5, root: ROOT }, impostor);
    expect(errorOf(() => verifyCheckpoint(note, verifier))).toBe(`no signature by ${ORIGIN}`);
    // Alongside the real signature, the other key's line is skipped.
    const genuine = signCheckpoint({ origin: ORIGIN, size: 5, root: ROOT }, signer);
    const both = note + genuine.slice(genuine.lastIndexOf("\n\n") + 2);
    expect(verifyCheckpoint(both, verifier).size).toBe(5);
  });

  it("rejects another key's signature presented under this key's hash", () => {
    const impostor = parseSignerKey(generateSignerKey(ORIGIN));
    const forged = signCheckpoint(
      { origin: ORIGIN, size: 5, root: ROOT },
      { ...impostor, keyHash: signer.keyHash },
    );
    expect(errorOf(() => verifyCheckpoint(forged, verifier))).toBe("checkpoint signature does not verify");
  });

  it("rejects a note with no signature by this verifier", () => {
    const body = formatCheckpointBody({ origin: ORIGIN, size: 5, root: ROOT });
    expect(errorOf(() => verifyCheckpoint(body, verifier))).toMatch(/^malformed note/);
    const other = parseSignerKey(generateSignerKey("someone.else/log"));
    expect(errorOf(() => verifyCheckpoint(signNote(body, other), verifier))).toBe(
      `no signature by ${ORIGIN}`,
    );
  });

  const root64 = ROOT.toString("base64");
  // Same bytes, but sets a pad bit in the last character before "=".
  const nonCanonical = (b64: string) => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const last = b64.length - 2;
    return b64.slice(0, last) + alphabet.charAt(alphabet.indexOf(b64.charAt(last)) + 1) + b64.slice(last + 1);
  };
  it.each([
    ["no final newline", `${ORIGIN}\n5\n${root64}`, /newline/],
    ["fewer than three lines", `${ORIGIN}\n5\n`, /fewer than three lines/],
    ["an empty origin", `\n5\n${root64}\n`, /origin is empty/],
    ["a carriage return", `${ORIGIN}\r\n5\n${root64}\n`, /control character/],
    ["a size with a leading zero", `${ORIGIN}\n05\n${root64}\n`, /leading zeros/],
    ["a size of 00", `${ORIGIN}\n00\n${root64}\n`, /leading zeros/],
    ["a negative size", `${ORIGIN}\n-1\n${root64}\n`, /not a decimal/],
    ["a signed size", `${ORIGIN}\n+1\n${root64}\n`, /not a decimal/],
    ["an exponent size", `${ORIGIN}\n1e3\n${root64}\n`, /not a decimal/],
    ["a size with spaces", `${ORIGIN}\n 5\n${root64}\n`, /not a decimal/],
    ["an empty size", `${ORIGIN}\n\n${root64}\n`, /not a decimal/],
    ["an unsafe size", `${ORIGIN}\n9007199254740992\n${root64}\n`, /too large/],
    ["a 31-byte root", `${ORIGIN}\n5\n${ROOT.subarray(1).toString("base64")}\n`, /not 32 bytes/],
    [
      "a 33-byte root",
      `${ORIGIN}\n5\n${Buffer.concat([ROOT, Buffer.from([0])]).toString("base64")}\n`,
      /not 32/,
    ],
    ["an unpadded root", `${ORIGIN}\n5\n${root64.replace(/=+$/, "")}\n`, /not 32 bytes/],
    [
      "a root with a junk character",
      `${ORIGIN}\n5\n${root64.slice(0, 4)}!${root64.slice(5)}\n`,
      /not 32 bytes/,
    ],
    ["a root with non-zero pad bits", `${ORIGIN}\n5\n${nonCanonical(root64)}\n`, /not 32 bytes/],
    ["a root with a space", `${ORIGIN}\n5\n ${root64}\n`, /not 32 bytes/],
    ["an empty extension line", `${ORIGIN}\n5\n${root64}\next\n\n`, /extension line is empty/],
  ])("rejects a body with %s", (_what, body, message) => {
    expect(() => parseCheckpointBody(body)).toThrow(message);
  });

  it.each([
    ["a 31-byte root", { origin: ORIGIN, size: 1, root: ROOT.subarray(1) }, /not 32/],
    ["a negative size", { origin: ORIGIN, size: -1, root: ROOT }, /not a count/],
    ["a fractional size", { origin: ORIGIN, size: 1.5, root: ROOT }, /not a count/],
    ["an unsafe size", { origin: ORIGIN, size: 2 ** 53, root: ROOT }, /not a count/],
    ["an empty origin", { origin: "", size: 1, root: ROOT }, /origin is empty/],
    ["a multi-line origin", { origin: "a\nb", size: 1, root: ROOT }, /newline/],
    ["an empty extension", { origin: ORIGIN, size: 1, root: ROOT, extensions: [""] }, /empty/],
    ["a multi-line extension", { origin: ORIGIN, size: 1, root: ROOT, extensions: ["a\nb"] }, /newline/],
  ])("refuses to format a checkpoint with %s", (_what, c, message) => {
    expect(() => formatCheckpointBody(c)).toThrow(message);
  });
});
