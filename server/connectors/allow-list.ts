/**
 * CASEFILE_CONNECTOR_ALLOW: the internal systems a deployment really targets, as
 * CIDRs ("10.20.0.0/16", "fd12::/64"), single addresses ("127.0.0.1", "[::1]") or
 * host names ("evidence.corp.internal"), separated by commas or spaces. Kept free
 * of imports (Node built-ins included) so the environment schema can validate it.
 */

/** 4 or 6 for an IP address, else 0 (like node:net's isIP, which this module avoids: env.ts imports it). */
export function ipVersion(text: string): 0 | 4 | 6 {
  const octet = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  if (new RegExp(`^${octet}(\\.${octet}){3}$`).test(text)) return 4;
  if (!text.includes(":") || !/^[0-9a-f:.]+$/i.test(text)) return 0;
  try {
    return new URL(`http://[${text}]/`).hostname.length > 2 ? 6 : 0;
  } catch {
    return 0;
  }
}

export type AllowEntry =
  | { kind: "subnet"; address: string; prefix: number; family: "ipv4" | "ipv6" }
  | { kind: "host"; name: string };

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** "[::1]" → "::1"; host names lower-cased without a trailing dot. */
export function bareHost(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) return h.slice(1, -1);
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

function entry(text: string): AllowEntry | string {
  const [raw = "", prefixText, ...rest] = text.split("/");
  const address = bareHost(raw);
  const version = ipVersion(address);
  if (rest.length) return `${text}: more than one "/"`;
  if (prefixText !== undefined) {
    if (!version) return `${text}: a CIDR needs an IP address before the "/"`;
    const max = version === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max)
      return `${text}: the prefix length must be 0-${max}`;
    return { kind: "subnet", address, prefix: Number(prefixText), family: version === 4 ? "ipv4" : "ipv6" };
  }
  if (version === 4) return { kind: "subnet", address, prefix: 32, family: "ipv4" };
  if (version === 6) return { kind: "subnet", address, prefix: 128, family: "ipv6" };
  if (!HOST_NAME.test(address)) return `${text}: not an IP address, CIDR or host name`;
  return { kind: "host", name: address };
}

/** The entries, or the first entry that is not one (with why). */
export function parseAllowList(
  text: string,
): { ok: true; entries: AllowEntry[] } | { ok: false; error: string } {
  const entries: AllowEntry[] = [];
  for (const item of text.split(/[\s,]+/).filter(Boolean)) {
    const parsed = entry(item);
    if (typeof parsed === "string") return { ok: false, error: parsed };
    entries.push(parsed);
  }
  return { ok: true, entries };
}
