/**
 * May Casefile connect to this address? Connectors and notification webhooks are
 * checked where the connection is made, on the address a name resolved to (so a
 * name that later resolves elsewhere gains nothing): loopback, link-local, cloud
 * metadata, private, shared, multicast and reserved ranges are refused unless
 * CASEFILE_CONNECTOR_ALLOW names them (or the host name) explicitly.
 */
import { lookup } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { env } from "../env";
import { bareHost, parseAllowList } from "./allow-list";

const DENIED_V4: [string, number][] = [
  ["0.0.0.0", 8], // "this network"; 0.0.0.0 reaches the local machine
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT (and some clouds' metadata, e.g. 100.100.100.200)
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, incl. 169.254.169.254 metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments (192.0.0.192 metadata on some clouds)
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, incl. broadcast
];
const DENIED_V6: [string, number][] = [
  ["::", 96], // unspecified, loopback, IPv4-compatible
  ["100::", 64], // discard-only
  ["fc00::", 7], // unique local, incl. fd00:ec2::254 metadata
  ["fe80::", 10], // link-local
  ["fec0::", 10], // former site-local
  ["ff00::", 8], // multicast
];

const deny = new BlockList();
for (const [address, prefix] of DENIED_V4) deny.addSubnet(address, prefix, "ipv4");
for (const [address, prefix] of DENIED_V6) deny.addSubnet(address, prefix, "ipv6");

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail allowed). */
function groups(address: string): number[] {
  let text = address.split("%")[0] ?? "";
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split(".").map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const part = (s: string) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const h = part(head);
  const t = tail === undefined ? [] : part(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/** The IPv4 address a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address carries, if any. */
function embeddedV4(address: string): string | null {
  const g = groups(address);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return v4(g[6] ?? 0, g[7] ?? 0);
  if (g[0] === 0x2002) return v4(g[1] ?? 0, g[2] ?? 0);
  return null;
}

function isDenied(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return deny.check(address, "ipv4");
  if (version !== 6) return true; // not an address at all
  if (deny.check(address, "ipv6")) return true; // also checks IPv4-mapped ::ffff:a.b.c.d
  if (groups(address)[0] === 0x64 && groups(address)[1] === 0xff9b && groups(address)[2] === 1) return true; // 64:ff9b:1::/48, local-use NAT64
  const inner = embeddedV4(address);
  return inner !== null && deny.check(inner, "ipv4");
}

type Allowed = { text: string; subnets: BlockList; hosts: Set<string> };
let override: string | undefined;
let cached: Allowed | undefined;

/** The launcher sets the allow-list for its own process (the embedded demo's loopback systems). */
export function useConnectorAllow(text: string): void {
  const parsed = parseAllowList(text);
  if (!parsed.ok) throw new Error(`CASEFILE_CONNECTOR_ALLOW: ${parsed.error}`);
  override = text;
}

function allowed(): Allowed {
  const text = override ?? env().CASEFILE_CONNECTOR_ALLOW ?? "";
  if (cached?.text === text) return cached;
  const parsed = parseAllowList(text);
  if (!parsed.ok) throw new Error(`CASEFILE_CONNECTOR_ALLOW: ${parsed.error}`);
  const subnets = new BlockList();
  const hosts = new Set<string>();
  for (const e of parsed.entries) {
    if (e.kind === "host") hosts.add(e.name);
    else subnets.addSubnet(e.address, e.prefix, e.family);
  }
  cached = { text, subnets, hosts };
  return cached;
}

/** Whether connecting to `address`, which `host` resolved to, is permitted. */
export function permitted(host: string, address: string): boolean {
  const allow = allowed();
  if (allow.hosts.has(bareHost(host))) return true;
  const version = isIP(address);
  if (version && allow.subnets.check(address, version === 4 ? "ipv4" : "ipv6")) return true;
  return !isDenied(address);
}

export class AddressNotAllowed extends Error {
  readonly code = "EADDRNOTALLOWED";
  constructor(host: string) {
    super(`${host} is an internal address; add it to CASEFILE_CONNECTOR_ALLOW to reach it`);
    this.name = "AddressNotAllowed";
  }
}

/**
 * A `lookup` for net/http/tls connections: resolves as usual, then keeps only
 * permitted addresses — the connection is made to one of those or not at all.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "");
    const usable = addresses.filter((a) => permitted(hostname, a.address));
    const first = usable[0];
    if (!first) return callback(new AddressNotAllowed(hostname), "");
    if (options.all) return callback(null, usable);
    callback(null, first.address, first.family);
  });
};

/** Connections to a literal IP skip `lookup` altogether, so they are checked before connecting. */
export function assertLiteralPermitted(host: string): void {
  const bare = bareHost(host);
  if (isIP(bare) && !permitted(bare, bare)) throw new AddressNotAllowed(bare);
}

/**
 * For saving a connector: the address a host written as a literal stands for
 * (shorthand IPv4 such as 127.1 or 0x7f000001 included; localhost is loopback),
 * refused with the reason when it is not permitted; null for other host names.
 */
export function literalRefusal(host: string): string | null {
  const bare = bareHost(host);
  let address: string | null = isIP(bare) ? bare : null;
  if (!address && (bare === "localhost" || bare.endsWith(".localhost"))) address = "127.0.0.1";
  if (!address && /^[0-9a-fx.]+$/.test(bare)) {
    try {
      const normalised = new URL(`http://${bare}/`).hostname; // the WHATWG IPv4 parser
      if (isIP(normalised) === 4) address = normalised;
    } catch {
      address = null;
    }
  }
  if (!address || permitted(bare, address)) return null;
  return `${host} is an internal address (loopback, link-local, metadata or private); an admin can allow it with CASEFILE_CONNECTOR_ALLOW`;
}
