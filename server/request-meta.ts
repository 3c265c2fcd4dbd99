import type { BlockList } from "node:net";
import { env } from "./env";
import { clientAddress, trustedProxyList } from "./http/client-address";
import type { HeaderReader } from "./http/header-reader";
import { peerOf } from "./http/peer";

/** Who/where a call came from, recorded in ledger entries. */
export type RequestMeta = { requestId: string; ip: string | null; userAgent: string | null };

let trusted: BlockList | undefined;

/** The client address is the socket peer, or what configured trusted proxies say it is. */
export function requestMetaFrom(headers: HeaderReader): RequestMeta {
  trusted ??= trustedProxyList(env().CASEFILE_TRUSTED_PROXIES);
  return {
    requestId: headers.get("x-request-id") ?? crypto.randomUUID(),
    ip: clientAddress(peerOf(headers), headers.get("x-forwarded-for"), trusted),
    userAgent: headers.get("user-agent"),
  };
}
