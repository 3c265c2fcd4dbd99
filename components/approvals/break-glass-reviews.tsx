"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import type { RouterOutputs } from "@/server/trpc/routers/_app";

type Item = RouterOutputs["requests"]["breakGlassReviews"][number];

/** Every break-glass grant gets a post-hoc review by someone other than the person who used it. */
export function BreakGlassReviews() {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.requests.breakGlassReviews.queryOptions());
  if (data.length === 0) return null;
  return (
    <section className="mt-8" aria-label="Break-glass reviews">
      <h2 className="font-semibold text-red-800">Break-glass to review ({data.length})</h2>
      <ul className="mt-2 space-y-2">
        {data.map((item) => (
          <ReviewItem key={item.requestId} item={item} />
        ))}
      </ul>
    </section>
  );
}

function ReviewItem({ item }: { item: Item }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [verdict, setVerdict] = useState<"justified" | "unjustified">("justified");
  const [note, setNote] = useState("");
  const review = useMutation(
    trpc.requests.reviewBreakGlass.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.requests.pathFilter()),
    }),
  );
  return (
    <li className="rounded-md border border-red-200 bg-red-50 p-3 text-sm">
      <p>
        <span className="font-mono text-xs">{item.caseKey}</span> ·{" "}
        <span className="font-medium">{item.requesterName}</span> self-granted{" "}
        <span className="font-medium">{item.actionTitle}</span> at {formatUtc(item.openedAt)} · used{" "}
        {item.uses ?? 0} of {item.maxUses ?? 1}
      </p>
      <p className="mt-1 text-slate-700">Reason: {item.reason}</p>
      <form
        aria-label={`Review break-glass by ${item.requesterName}`}
        className="mt-2 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          review.mutate({ requestId: item.requestId, verdict, note });
        }}
      >
        <Field label="Verdict">
          <select
            className={inputClass}
            value={verdict}
            onChange={(e) => setVerdict(e.target.value as typeof verdict)}
          >
            <option value="justified">justified</option>
            <option value="unjustified">unjustified</option>
          </select>
        </Field>
        <Field label="Note" error={fieldError(review.error, "note")} className="flex-1">
          <input className={inputClass} value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
        <Button type="submit" disabled={review.isPending}>
          Close review
        </Button>
      </form>
      <FormError error={review.error} />
    </li>
  );
}
