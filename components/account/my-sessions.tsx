"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";

export function MySessions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: sessions } = useSuspenseQuery(trpc.account.sessions.queryOptions());
  const signOut = useMutation(
    trpc.account.signOutOthers.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.account.pathFilter()),
    }),
  );
  const others = sessions.filter((s) => !s.current).length;
  return (
    <div className="mt-4 space-y-3">
      <FormError error={signOut.error} />
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label="Sessions">
          <thead className="text-xs text-slate-500">
            <tr>
              <th className="py-2">Signed in</th>
              <th>From</th>
              <th>Browser</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {sessions.map((s) => (
              <tr key={s.id} data-testid="session">
                <td className="py-2">{formatUtc(s.createdAt)}</td>
                <td className="font-mono text-xs">{s.ip ?? "unknown"}</td>
                <td className="max-w-xs truncate text-xs">{s.userAgent ?? "unknown"}</td>
                <td>{formatUtc(s.expiresAt)}</td>
                <td className="text-right">
                  {s.current ? (
                    <span className="text-xs text-emerald-700">This session</span>
                  ) : (
                    <Button
                      type="button"
                      variant="secondary"
                      onClick={() => signOut.mutate({ sessionId: s.id })}
                    >
                      Sign out
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {others > 0 ? (
        <Button
          type="button"
          variant="danger"
          onClick={() => signOut.mutate({})}
          disabled={signOut.isPending}
        >
          Sign out all other sessions ({others})
        </Button>
      ) : null}
    </div>
  );
}
