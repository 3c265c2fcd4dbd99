"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Pill } from "@/components/ui/badges";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import { CampaignItem } from "./campaign-item";
import { ProgressBar } from "./progress-bar";

type View = { filter: "all" | "unattested"; offset: number };
const FIRST_VIEW: View = { filter: "all", offset: 0 };

/** A campaign: progress, its decisions a page at a time, verdicts, export and closing. */
export function CampaignDetail({ campaignId }: { campaignId: string }) {
  const trpc = useTRPC();
  const [view, setView] = useState<View>(FIRST_VIEW);
  // The controls follow `view` at once; the list keeps showing the current page until the next one loads.
  const shown = useDeferredValue(view);
  const loading = shown !== view;
  const { data } = useSuspenseQuery(trpc.campaigns.get.queryOptions({ campaignId, ...shown }));
  const { campaign, items } = data;
  const go = (next: View) => setView(next);
  return (
    <div className={loading ? "opacity-60" : ""}>
      <div className="mt-4 flex flex-wrap items-center gap-4">
        <ProgressBar attested={campaign.attested} total={campaign.total} />
        {campaign.inappropriate ? (
          <Pill className="bg-red-100 text-red-800">{campaign.inappropriate} inappropriate</Pill>
        ) : null}
        {campaign.closedAt ? <Pill>closed {formatUtc(campaign.closedAt)}</Pill> : null}
        <span className="text-xs text-slate-600">
          Decisions made from {formatUtc(campaign.periodStart)} until {formatUtc(campaign.periodEnd)} · opened
          by {campaign.createdByName}
        </span>
        <label className="ml-auto flex items-center gap-1 text-sm">
          <input
            type="checkbox"
            checked={view.filter === "unattested"}
            onChange={(e) => go({ filter: e.target.checked ? "unattested" : "all", offset: 0 })}
          />
          Unattested only
        </label>
        <a
          href={`/api/campaigns/${campaignId}/export`}
          download
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100"
        >
          Export CSV
        </a>
      </div>
      {items.length === 0 ? (
        <p className="mt-4 text-slate-500">
          {shown.filter === "unattested"
            ? "Every decision is attested."
            : "No decision was made in this period."}
        </p>
      ) : (
        <ol className="mt-4 space-y-3" aria-label="Decisions to attest">
          {items.map((item) => (
            <CampaignItem
              key={item.approvalId}
              item={item}
              campaignId={campaignId}
              open={!campaign.closedAt}
            />
          ))}
        </ol>
      )}
      {data.offset > 0 || data.hasMore ? (
        <div className="mt-3 flex items-center gap-2 text-sm">
          <Button
            variant="secondary"
            disabled={data.offset === 0}
            onClick={() => go({ ...view, offset: Math.max(0, data.offset - data.limit) })}
          >
            Previous
          </Button>
          <span className="text-slate-600">
            {data.offset + 1}–{data.offset + items.length}
          </span>
          <Button
            variant="secondary"
            disabled={!data.hasMore}
            onClick={() => go({ ...view, offset: data.offset + data.limit })}
          >
            Next
          </Button>
        </div>
      ) : null}
      {campaign.closedAt ? null : (
        <CloseCampaign campaignId={campaignId} complete={campaign.attested === campaign.total} />
      )}
    </div>
  );
}

function CloseCampaign({ campaignId, complete }: { campaignId: string; complete: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("");
  const close = useMutation(
    trpc.campaigns.close.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.campaigns.pathFilter()),
    }),
  );
  return (
    <form
      aria-label="Close the campaign"
      className="mt-6 flex flex-wrap items-start gap-2 border-t border-slate-200 pt-4"
      onSubmit={(e) => {
        e.preventDefault();
        close.mutate({ campaignId, reason });
      }}
    >
      <Field
        label="Reason for closing"
        hint={
          complete
            ? "Optional once the period has ended and every decision is attested"
            : "Required: not every decision is attested"
        }
        error={fieldError(close.error, "reason")}
        className="min-w-64 flex-1"
      >
        <input className={inputClass} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <Button type="submit" variant="secondary" className="mt-5" disabled={close.isPending}>
        Close campaign
      </Button>
      {close.error && !fieldError(close.error, "reason") ? (
        <div className="w-full">
          <FormError error={close.error} />
        </div>
      ) : null}
    </form>
  );
}
