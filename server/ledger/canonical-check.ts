/**
 * Whether bytes are already an RFC 8785 canonical JSON object, decided by one
 * scan of the bytes: re-serializing a million entries to compare them would
 * cost several times the hashing itself. Agrees with `canonicalize(JSON.parse(x)) === x`
 * (canonical-check.test.ts holds the two side by side). Each scanner returns
 * the index after what it read, or -1 when the bytes are not canonical.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const FAIL = -1;

export function isCanonicalJson(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x7b) return false; // an entry is an object
  return value(bytes, 0) === bytes.length;
}

function value(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c === 0x7b) return object(b, i + 1);
  if (c === 0x5b) return array(b, i + 1);
  if (c === QUOTE) return string(b, i + 1);
  if (c === 0x74) return literal(b, i, "true");
  if (c === 0x66) return literal(b, i, "false");
  if (c === 0x6e) return literal(b, i, "null");
  return number(b, i);
}

function literal(b: Uint8Array, i: number, word: string): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return FAIL;
  return i + word.length;
}

function object(b: Uint8Array, i: number): number {
  if (b[i] === 0x7d) return i + 1;
  let prev = -1;
  let prevEnd = -1;
  for (;;) {
    if (b[i] !== QUOTE) return FAIL;
    const end = string(b, i + 1);
    // Keys strictly ascending in UTF-16 code units, so also unique.
    if (end < 0 || (prev >= 0 && !keyBefore(b, prev, prevEnd, i, end))) return FAIL;
    prev = i;
    prevEnd = end;
    if (b[end] !== 0x3a) return FAIL;
    i = value(b, end + 1);
    if (i < 0) return FAIL;
    const c = b[i];
    if (c === 0x7d) return i + 1;
    if (c !== 0x2c) return FAIL;
    i++;
  }
}

function array(b: Uint8Array, i: number): number {
  if (b[i] === 0x5d) return i + 1;
  for (;;) {
    i = value(b, i);
    if (i < 0) return FAIL;
    const c = b[i];
    if (c === 0x5d) return i + 1;
    if (c !== 0x2c) return FAIL;
    i++;
  }
}

/** Bytes a string may hold as they are: printable ASCII but the quote and the backslash. */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) PLAIN[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;

/** `i` is just after the opening quote. */
function string(b: Uint8Array, i: number): number {
  const n = b.length;
  while (i < n) {
    const c = b[i] as number;
    if (PLAIN[c] === 1) {
      i++;
      continue;
    }
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      i = escape(b, i + 1);
      if (i < 0) return FAIL;
    } else if (c >= 0x80) {
      i = utf8(b, i, c);
      if (i < 0) return FAIL;
    } else return FAIL; // a C0 control
  }
  return FAIL;
}

/**
 * One well-formed UTF-8 sequence starting with lead byte `c` at `i` (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF). Bytes above 0x7F only
 * occur inside strings, so this is the whole UTF-8 check.
 */
function utf8(b: Uint8Array, i: number, c: number): number {
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const x = b[i + k] ?? 0;
    return x >= lo && x <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? i + 2 : FAIL;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? i + 3 : FAIL;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? i + 4 : FAIL;
  }
  return FAIL;
}

/**
 * JSON.stringify (hence RFC 8785) writes \" \\ \b \t \n \f \r, other C0 controls
 * as \u00xx in lower-case hex, and everything else literally.
 */
function escape(b: Uint8Array, i: number): number {
  const e = b[i];
  if (e === QUOTE || e === BACKSLASH || e === 0x62 || e === 0x74 || e === 0x6e || e === 0x66 || e === 0x72)
    return i + 1;
  if (e !== 0x75 || b[i + 1] !== 0x30 || b[i + 2] !== 0x30) return FAIL;
  const hex = String.fromCharCode(b[i + 3] ?? 0, b[i + 4] ?? 0);
  if (!/^[01][0-9a-f]$/.test(hex)) return FAIL;
  const code = parseInt(hex, 16);
  return code === 8 || code === 9 || code === 10 || code === 12 || code === 13 ? FAIL : i + 5;
}

function number(b: Uint8Array, i: number): number {
  let end = i;
  for (;;) {
    const c = b[end] ?? 0;
    // digits, "+", "-", ".", "e", "E"
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x65 || c === 0x45) end++;
    else break;
  }
  if (end === i) return FAIL;
  // Fast path: a plain integer below 2^53 with no leading zero is its own shortest form.
  let digits = b[i] === 0x2d ? i + 1 : i;
  const first = b[digits];
  if (end - digits <= 15 && first !== undefined && (first !== 0x30 || end - digits === 1) && digits < end) {
    while (digits < end && (b[digits] ?? 0) >= 0x30 && (b[digits] ?? 0) <= 0x39) digits++;
    if (digits === end) return b[i] === 0x2d && end - i === 2 && first === 0x30 ? FAIL : end;
  }
  const text = String.fromCharCode(...b.subarray(i, end));
  // The ECMAScript shortest form, as RFC 8785 prescribes; JSON.stringify(-0) is "0".
  const n = Number(text);
  return /^-?[0-9]/.test(text) && Number.isFinite(n) && JSON.stringify(n) === text ? end : FAIL;
}

/** Whether the key at [a, aEnd) sorts strictly before the key at [c, cEnd) (both with quotes). */
function keyBefore(b: Uint8Array, a: number, aEnd: number, c: number, cEnd: number): boolean {
  for (let k = 1; ; k++) {
    const x = b[a + k] ?? 0;
    const y = b[c + k] ?? 0;
    // Escapes and non-ASCII: compare the decoded keys (UTF-8 byte order is not UTF-16 order).
    if (x >= 0x80 || y >= 0x80 || x === BACKSLASH || y === BACKSLASH) break;
    if (x === QUOTE || y === QUOTE) return x === QUOTE && y !== QUOTE;
    if (x !== y) return x < y;
  }
  const decode = (from: number, to: number) =>
    JSON.parse(Buffer.from(b.buffer, b.byteOffset + from, to - from).toString("utf8")) as string;
  return decode(a, aEnd) < decode(c, cEnd);
}
