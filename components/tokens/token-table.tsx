"use client";

import { formatUtc } from "@/components/cases/format";
import { Button } from "@/components/ui/button";

export type TokenRow = {
  id: string;
  kind: string;
  name: string;
  prefix: string;
  scopes: string[];
  sourceCidrs: string[];
  expiresAt: Date;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
  expired: boolean;
  userName: string;
  ownerName: string;
};

/** API tokens with their scopes, expiry and last use; a live one can be revoked. */
export function TokenTable({
  tokens,
  onRevoke,
  pending,
}: {
  tokens: TokenRow[];
  onRevoke: (id: string) => void;
  pending: boolean;
}) {
  if (tokens.length === 0) return <p className="mt-2 text-sm text-slate-500">No tokens.</p>;
  return (
    <table className="mt-2 w-full text-left text-sm" aria-label="API tokens">
      <thead className="text-xs text-slate-500">
        <tr>
          <th className="py-2">Token</th>
          <th>Acts as</th>
          <th>Scopes</th>
          <th>Expires</th>
          <th>Last used</th>
          <th />
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {tokens.map((t) => (
          <tr key={t.id} data-testid="api-token">
            <td className="py-2">
              {t.name} <span className="font-mono text-xs text-slate-500">{t.prefix}…</span>
            </td>
            <td className="text-xs">
              {t.userName}
              {t.kind === "service" ? ` (owner ${t.ownerName})` : ""}
            </td>
            <td className="text-xs">
              {t.scopes.join(", ")}
              {t.sourceCidrs.length ? ` · from ${t.sourceCidrs.join(", ")}` : ""}
            </td>
            <td className="text-xs">{formatUtc(t.expiresAt)}</td>
            <td className="text-xs">
              {t.lastUsedAt ? `${formatUtc(t.lastUsedAt)} from ${t.lastUsedIp ?? "unknown"}` : "never"}
            </td>
            <td className="text-right">
              {t.revokedAt ? (
                <span className="text-xs text-slate-500">Revoked</span>
              ) : t.expired ? (
                <span className="text-xs text-slate-500">Expired</span>
              ) : (
                <Button type="button" variant="secondary" disabled={pending} onClick={() => onRevoke(t.id)}>
                  Revoke
                </Button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The new token, shown this once. */
export function NewTokenNotice({ token }: { token: string }) {
  return (
    <div role="status" className="mt-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm">
      <p>Copy the token now: it is not shown again.</p>
      <code className="mt-1 block break-all font-mono text-xs" data-testid="new-token">
        {token}
      </code>
    </div>
  );
}
