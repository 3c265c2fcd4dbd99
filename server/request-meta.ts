/** Who/where a call came from, recorded in ledger entries. */
export type RequestMeta = { requestId: string; ip: string | null; userAgent: string | null };

export function requestMetaFrom(headers: Headers): RequestMeta {
  return {
    requestId: headers.get("x-request-id") ?? crypto.randomUUID(),
    ip: headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? null,
    userAgent: headers.get("user-agent"),
  };
}
