import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import { ENTITY_KIND_LABELS as LABELS, type EntityKind } from "../shared/constants";
import { DomainError } from "../errors";

const MAX_LENGTH = 512;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function describeEntityKind(kind: EntityKind): string {
  return LABELS[kind];
}

const bad = (kind: EntityKind, why: string) =>
  new DomainError("BAD_REQUEST", `${LABELS[kind]} ${why}`, { field: "value" });

function ipv4(value: string): string | null {
  const parts = value.split(".");
  if (parts.length !== 4) return null;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
  }
  return value;
}

/**
 * The canonical form that identifies an entity within a case, so that
 * "JDoe@Corp.example " and "jdoe@corp.example" are one account.
 */
export function normaliseEntityValue(kind: EntityKind, raw: string): string {
  const value = raw.trim();
  if (!value) throw bad(kind, "is empty");
  if (value.length > MAX_LENGTH) throw bad(kind, `is longer than ${MAX_LENGTH} characters`);
  if (CONTROL.test(value)) throw bad(kind, "contains control characters");
  switch (kind) {
    case "user_account":
      return value.toLowerCase();
    case "host": {
      const host = value.toLowerCase().replace(/\.$/, "");
      if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(host)) {
        throw bad(kind, `"${value}" is not a host name (letters, digits, dots, hyphens, underscores)`);
      }
      return host;
    }
    case "ip": {
      if (value.includes("/")) throw bad(kind, `"${value}" is a range; give an address, not a range`);
      if (isIP(value) === 4) {
        const v4 = ipv4(value);
        if (!v4) throw bad(kind, `"${value}" is not a valid IPv4 address`);
        return v4;
      }
      if (isIP(value) === 6) return new URL(`http://[${value}]`).hostname.slice(1, -1);
      throw bad(kind, `"${value}" is not a valid IPv4 or IPv6 address`);
    }
    case "domain": {
      const ascii = domainToASCII(value.toLowerCase().replace(/\.$/, ""));
      if (!ascii || !ascii.includes(".") || ascii.split(".").some((l) => !l || l.length > 63)) {
        throw bad(kind, `"${value}" is not a domain name`);
      }
      return ascii;
    }
    case "session":
      if (/\s/.test(value)) throw bad(kind, "must not contain spaces");
      return value;
    case "db_role":
      return value;
    case "file_hash": {
      const hash = value.toLowerCase();
      if (!/^[0-9a-f]+$/.test(hash) || ![32, 40, 64, 128].includes(hash.length)) {
        throw bad(kind, "must be hexadecimal MD5, SHA-1, SHA-256 or SHA-512 (32, 40, 64 or 128 characters)");
      }
      return hash;
    }
  }
}
