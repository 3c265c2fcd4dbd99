"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { RiskBadge } from "@/components/approvals/badges";
import { ParamsTable } from "@/components/approvals/params-table";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Pill, SeverityBadge } from "@/components/ui/badges";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import type { RouterOutputs } from "@/server/trpc/routers/_app";

type Item = RouterOutputs["campaigns"]["get"]["items"][number];

function duration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 1) return `${Math.round(seconds)} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

const VERDICT = {
  appropriate: "border-emerald-200 bg-emerald-50 text-emerald-900",
  inappropriate: "border-red-200 bg-red-50 text-red-900",
} as const;

/** One decision of the campaign with the context to judge it, and the reviewer's verdict. */
export function CampaignItem({ item, campaignId, open }: { item: Item; campaignId: string; open: boolean }) {
  const narrowed = item.narrowedParams || item.narrowedMinutes || item.narrowedUses;
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="campaign-item">
      <div className="flex flex-wrap items-center gap-2">
        <Pill
          className={
            item.decision === "approve" ? "bg-emerald-100 text-emerald-800" : "bg-red-100 text-red-800"
          }
        >
          {item.decision === "approve" ? "approved" : "denied"}
        </Pill>
        <span className="font-medium">{item.actionTitle}</span>
        <RiskBadge tier={item.riskTier} />
        {item.breakGlass ? <Pill className="bg-red-600 text-white">break-glass</Pill> : null}
        <span className="text-slate-400">·</span>
        <SeverityBadge severity={item.caseSeverity} />
        <Link href={`/cases/${item.caseKey}`} className="font-mono text-xs text-sky-700 hover:underline">
          {item.caseKey}
        </Link>
        <span className="text-slate-600">{item.caseTitle}</span>
      </div>
      <p className="mt-2 text-slate-700">
        Asked by <span className="font-medium">{item.requesterName}</span> at {formatUtc(item.requestedAt)};{" "}
        {item.decision === "approve" ? "approved" : "denied"} by{" "}
        <span className="font-medium">{item.approverName}</span> at {formatUtc(item.decidedAt)}, after{" "}
        {duration(item.secondsToDecision)}.{" "}
        {item.stepUpAt
          ? `Second factor (${item.stepUpMethod ?? "proved"}) at ${formatUtc(item.stepUpAt)}.`
          : "No step-up."}
      </p>
      <p className="mt-1 text-slate-700">
        <span className="text-slate-500">Justification:</span> {item.justification}
      </p>
      {item.comment ? (
        <p className="mt-1 text-slate-700">
          <span className="text-slate-500">Approver&apos;s comment:</span> {item.comment}
        </p>
      ) : null}
      <div className="mt-1 flex flex-wrap gap-x-8">
        <ParamsTable params={item.params} caption="Requested" />
        {item.grant ? <ParamsTable params={item.grant.scope} caption="Granted scope" /> : null}
        {narrowed ? (
          <p className="mt-2 text-xs text-amber-800">
            Narrowed by the approver
            {item.narrowedMinutes ? ` · ${item.narrowedMinutes} min` : ""}
            {item.narrowedUses ? ` · ${item.narrowedUses} use(s)` : ""}
          </p>
        ) : null}
      </div>
      {item.grant ? (
        <div className="mt-2 text-xs text-slate-700" data-testid="grant-use">
          Grant used {item.grant.uses} of {item.grant.maxUses}
          {item.grant.revokedAt ? ` · revoked ${formatUtc(item.grant.revokedAt)}` : ""}
          {item.executions.length ? (
            <ul className="mt-1 list-disc pl-5">
              {item.executions.map((run) => (
                <li key={run.id}>
                  {formatUtc(run.startedAt)} · {run.status}
                  {run.summary ? `: ${run.summary}` : ""}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {item.attestation ? (
        <p
          className={`mt-3 rounded-md border px-3 py-2 ${VERDICT[item.attestation.verdict]}`}
          data-testid="verdict"
        >
          Attested <span className="font-medium">{item.attestation.verdict}</span> by{" "}
          {item.attestation.reviewerName ?? "?"} at {formatUtc(item.attestation.at)}
          {item.attestation.note ? `: ${item.attestation.note}` : ""}
        </p>
      ) : null}
      {item.mine ? (
        <p className="mt-3 text-xs text-slate-500">
          You {item.mine === "decided" ? "made this decision" : "asked for this action"}: another reviewer
          attests it.
        </p>
      ) : open ? (
        <AttestForm item={item} campaignId={campaignId} />
      ) : null}
    </li>
  );
}

function AttestForm({ item, campaignId }: { item: Item; campaignId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [note, setNote] = useState(item.attestation?.note ?? "");
  const attest = useMutation(
    trpc.campaigns.attest.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.campaigns.pathFilter()),
    }),
  );
  const send = (verdict: "appropriate" | "inappropriate") =>
    attest.mutate({ campaignId, approvalId: item.approvalId, verdict, note });
  return (
    <form
      aria-label={`Attest the decision on ${item.actionTitle} by ${item.approverName}`}
      className="mt-3 flex flex-wrap items-start gap-2"
      onSubmit={(e) => e.preventDefault()}
    >
      <Field
        label="Note"
        hint="Required when inappropriate"
        error={fieldError(attest.error, "note")}
        className="min-w-64 flex-1"
      >
        <input className={inputClass} value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
      <Button type="button" className="mt-5" disabled={attest.isPending} onClick={() => send("appropriate")}>
        Appropriate
      </Button>
      <Button
        type="button"
        variant="danger"
        className="mt-5"
        disabled={attest.isPending}
        onClick={() => send("inappropriate")}
      >
        Inappropriate
      </Button>
      {attest.error && !fieldError(attest.error, "note") ? (
        <div className="w-full">
          <FormError error={attest.error} />
        </div>
      ) : null}
    </form>
  );
}
