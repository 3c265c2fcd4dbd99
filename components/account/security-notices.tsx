"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";

/** What changed on the account since the person last signed in (second factor replaced or reset). */
export function SecurityNotices() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: notices } = useSuspenseQuery(trpc.account.notices.queryOptions());
  const dismiss = useMutation(
    trpc.account.dismissNotice.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.account.notices.queryFilter()),
    }),
  );
  if (!notices.length) return null;
  return (
    <div className="mb-4 space-y-2">
      {notices.map((n) => (
        <div
          key={n.id}
          role="alert"
          className="flex items-start justify-between gap-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          <p>
            {n.kind === "second_factor_reset"
              ? `Your second factor was reset by ${n.by ?? "an administrator"} on ${formatUtc(n.at)}.`
              : `Your second factor was changed on ${formatUtc(n.at)} from ${n.ip ?? "an unknown address"}${
                  n.userAgent ? ` (${n.userAgent.slice(0, 80)})` : ""
                }.`}{" "}
            If this was not you or your administrator, tell your security team now.
          </p>
          <Button
            type="button"
            variant="secondary"
            className="py-0.5 text-xs"
            disabled={dismiss.isPending}
            onClick={() => dismiss.mutate({ noticeId: n.id })}
          >
            Dismiss
          </Button>
        </div>
      ))}
    </div>
  );
}
