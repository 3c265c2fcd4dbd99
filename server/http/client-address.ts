import { BlockList, isIP } from "node:net";

/** A trusted proxy network: an address and its prefix length ("10.0.0.0/8", "::1/128"). */
export type Cidr = { address: string; prefix: number; family: "ipv4" | "ipv6" };

/** "1.2.3.4", "::ffff:1.2.3.4" → "1.2.3.4"; "[::1]" → "::1"; anything that is no address → null. */
export function normaliseAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  let address = value.trim();
  if (address.startsWith("[") && address.endsWith("]")) address = address.slice(1, -1);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) address = mapped[1];
  return isIP(address) ? address.toLowerCase() : null;
}

/** Parses one "address[/prefix]" item, or returns null when it is not one. */
export function parseCidr(item: string): Cidr | null {
  const [rawAddress = "", rawPrefix, ...rest] = item.trim().split("/");
  if (rest.length) return null;
  const address = normaliseAddress(rawAddress);
  if (!address) return null;
  const family = isIP(address) === 4 ? "ipv4" : "ipv6";
  const max = family === "ipv4" ? 32 : 128;
  if (rawPrefix !== undefined && !/^\d{1,3}$/.test(rawPrefix)) return null;
  const prefix = rawPrefix === undefined ? max : Number(rawPrefix);
  return prefix <= max ? { address, prefix, family } : null;
}

export function trustedProxyList(cidrs: readonly Cidr[]): BlockList {
  const list = new BlockList();
  for (const { address, prefix, family } of cidrs) list.addSubnet(address, prefix, family);
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
}

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy; then the
 * right-most hop of X-Forwarded-For that is not a trusted proxy (every hop left of it
 * was written by someone we do not trust, so it proves nothing). A hop that is no
 * address stops the walk at the nearest address we do know.
 */
export function clientAddress(
  peer: string | null | undefined,
  forwardedFor: string | null | undefined,
  trusted: BlockList,
): string | null {
  let nearest = normaliseAddress(peer);
  if (!nearest || !isTrusted(trusted, nearest)) return nearest;
  const hops = (forwardedFor ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normaliseAddress(hops[i]);
    if (!hop) return nearest;
    nearest = hop;
    if (!isTrusted(trusted, hop)) return hop;
  }
  return nearest;
}
