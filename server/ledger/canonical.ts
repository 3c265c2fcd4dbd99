/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): one byte sequence per JSON value,
 * so ledger entry bodies hash and sign the same on every platform.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

// In a `u` regex a well-formed pair is one code point, so only lone surrogates match.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * RFC 8785 canonical JSON text. Throws TypeError for values JSON cannot carry
 * canonically: non-finite numbers, undefined (also as an object property value
 * or array element), functions, symbols, bigint, lone surrogates in strings or
 * keys, cycles, and objects that are not plain objects or arrays (Date too:
 * callers convert to ISO strings first, so no hidden toJSON decides the bytes).
 */
export function canonicalize(value: unknown): string {
  return serialize(value, "$", new Set());
}

/** UTF-8 of {@link canonicalize}: the bytes to hash or sign. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), "utf8");
}

function serialize(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${path} is ${String(value)}`);
      // ECMAScript Number::toString, which RFC 8785 section 3.2.2.3 adopts; -0 gives "0".
      return JSON.stringify(value);
    case "string":
      return quote(value, path);
    case "object":
      return serializeObject(value, path, ancestors);
    default:
      throw new TypeError(`canonical JSON: ${path} is a ${typeof value}`);
  }
}

function serializeObject(value: object, path: string, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new TypeError(`canonical JSON: ${path} is a cycle`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items: string[] = [];
      // Index loop, not map(): map skips holes, which must be rejected like undefined.
      for (let i = 0; i < value.length; i++) {
        items.push(serialize((value as unknown[])[i], `${path}[${i}]`, ancestors));
      }
      return `[${items.join(",")}]`;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const ctor: unknown = (value as { constructor?: unknown }).constructor;
      const kind = typeof ctor === "function" ? ctor.name : "unknown";
      throw new TypeError(`canonical JSON: ${path} is not a plain object (${kind})`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) {
      throw new TypeError(`canonical JSON: ${path} has symbol keys`);
    }
    const record = value as Record<string, unknown>;
    // Plain `<` compares UTF-16 code units, the order RFC 8785 section 3.2.3 requires.
    const keys = Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const members = keys.map((key) => {
      const at = `${path}.${key}`;
      return `${quote(key, at)}:${serialize(record[key], at, ancestors)}`;
    });
    return `{${members.join(",")}}`;
  } finally {
    ancestors.delete(value);
  }
}

function quote(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) throw new TypeError(`canonical JSON: ${path} has a lone surrogate`);
  // Without lone surrogates, JSON.stringify escapes exactly as RFC 8785 section
  // 3.2.2.2 says: \b \t \n \f \r \" \\, other controls as lower-case \u00xx,
  // everything else (U+2028/9, "/", non-ASCII) literal.
  return JSON.stringify(s);
}
