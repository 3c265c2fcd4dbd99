"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { formatUtc } from "./format";

/** People who asked the lead for access to this case: grant read or write, or decline. */
export function AccessRequests({ caseId }: { caseId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pending = useQuery(trpc.cases.accessRequests.list.queryOptions({ caseId }));
  const answer = useMutation(
    trpc.cases.accessRequests.answer.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.cases.accessRequests.pathFilter());
        await queryClient.invalidateQueries(trpc.cases.members.pathFilter());
      },
    }),
  );
  if (!pending.data?.length) return null;
  return (
    <section aria-label="Access requests" className="rounded-lg border border-amber-200 bg-amber-50 p-3">
      <h3 className="font-medium">Asking for access</h3>
      <FormError error={answer.error} />
      <ul className="mt-2 space-y-2">
        {pending.data.map((r) => (
          <li key={r.id} className="rounded-md bg-white p-2 text-sm" data-testid="access-request">
            <p>
              <span className="font-medium">{r.requesterName}</span>{" "}
              <span className="text-slate-600">({r.requesterEmail})</span> · {formatUtc(r.createdAt)}
            </p>
            <p className="mt-1 text-slate-700">{r.reason}</p>
            <div className="mt-2 flex flex-wrap gap-2">
              <Button
                type="button"
                disabled={answer.isPending}
                onClick={() => answer.mutate({ caseId, requestId: r.id, grant: "read" })}
              >
                Grant read access
              </Button>
              <Button
                type="button"
                variant="secondary"
                disabled={answer.isPending}
                onClick={() => answer.mutate({ caseId, requestId: r.id, grant: "write" })}
              >
                Grant write access
              </Button>
              <Button
                type="button"
                variant="danger"
                disabled={answer.isPending}
                onClick={() => answer.mutate({ caseId, requestId: r.id, grant: null })}
              >
                Decline
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
