"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";

/** `datetime-local` values are read as UTC, like every time the console shows. */
const toInput = (d: Date) => d.toISOString().slice(0, 16);
const fromInput = (value: string) => new Date(`${value}:00Z`);

/** The current calendar month (UTC) is the usual period; the server checks whatever is chosen. */
function defaults() {
  const now = new Date();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const month = start.toLocaleString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
  return { title: `Access review, ${month}`, from: toInput(start), to: toInput(end) };
}

export function OpenCampaignForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [initial] = useState(defaults);
  const [title, setTitle] = useState(initial.title);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const open = useMutation(
    trpc.campaigns.open.mutationOptions({
      onSuccess: async ({ id }) => {
        await queryClient.invalidateQueries(trpc.campaigns.pathFilter());
        router.push(`/compliance/campaigns/${id}`);
      },
    }),
  );
  return (
    <form
      aria-label="Open a campaign"
      className="mt-4 rounded-lg border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        open.mutate({ title, periodStart: fromInput(from), periodEnd: fromInput(to) });
      }}
    >
      <h2 className="font-semibold">Open a campaign</h2>
      <p className="mt-1 text-sm text-slate-600">
        Every approval decision made in the period is listed for attestation. A period may still be running:
        decisions made before it ends join the campaign.
      </p>
      <div className="mt-3 flex flex-wrap items-start gap-3">
        <Field label="Title" error={fieldError(open.error, "title")} className="min-w-64 flex-1">
          <input className={inputClass} value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label="From (UTC)" error={fieldError(open.error, "periodStart")}>
          <input
            type="datetime-local"
            className={inputClass}
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            required
          />
        </Field>
        <Field label="Until (UTC, exclusive)" error={fieldError(open.error, "periodEnd")}>
          <input
            type="datetime-local"
            className={inputClass}
            value={to}
            onChange={(e) => setTo(e.target.value)}
            required
          />
        </Field>
        <Button type="submit" className="mt-5" disabled={open.isPending}>
          Open campaign
        </Button>
      </div>
      <div className="mt-2">
        <FormError error={open.error && !open.error.data?.fieldErrors ? open.error : null} />
      </div>
    </form>
  );
}
