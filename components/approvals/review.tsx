"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { SeverityBadge, StatusBadge, TlpBadge } from "@/components/ui/badges";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import { approvalNeedsSecondFactor } from "@/server/shared/constants";
import type { RouterOutputs } from "@/server/trpc/routers/_app";
import { RequestStatusBadge, RiskBadge } from "./badges";
import { CaseObjects } from "./case-objects";
import { NarrowingDiff } from "./narrowing-diff";
import { ParamsTable } from "./params-table";
import { type Params, SchemaForm } from "./schema-form";
import { useLiveRequests } from "./use-live";

type Review = RouterOutputs["requests"]["review"];

const section = "min-w-0 overflow-x-auto break-words rounded-md border border-slate-200 bg-white p-4";

/** The review page: the context assembled for the decision, and the decision itself. */
export function RequestReview({ requestId }: { requestId: string }) {
  const trpc = useTRPC();
  useLiveRequests();
  const { data } = useSuspenseQuery(trpc.requests.review.queryOptions({ requestId }));
  const { request: r } = data;
  const suspectIds = new Set(data.suspects.filter((s) => s.role === "suspect").map((s) => s.id));
  return (
    // On a phone the columns dissolve ("contents") into one list ordered for deciding:
    // the request, then policy and decision, then the context.
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
      <div className="contents lg:col-span-2 lg:block lg:space-y-4">
        <section className={`${section} order-1`} aria-label="Request">
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="font-semibold">{r.actionTitle}</h2>
            <RiskBadge tier={r.riskTier} />
            <RequestStatusBadge status={r.status} />
            {r.breakGlass ? (
              <span className="rounded bg-red-700 px-1.5 py-0.5 text-xs font-bold text-white">
                BREAK-GLASS
              </span>
            ) : null}
          </div>
          <p className="mt-2 text-sm" data-testid="grant-description">
            <span className="font-medium">This grant would allow: </span>
            {r.description}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            For {r.requestedMinutes} min, {r.requestedUses} use{r.requestedUses === 1 ? "" : "s"}, from
            approval.
          </p>
          <ParamsTable params={r.params} caption="Exact parameters" />
          <CaseObjects objects={data.caseObjects} />
          <blockquote className="mt-3 border-l-4 border-slate-200 pl-3 text-sm text-slate-700">
            {r.justification}
            <footer className="mt-1 text-xs text-slate-500">
              — {data.requester?.name} ({data.requester?.email}), {formatUtc(r.createdAt)}
            </footer>
          </blockquote>
        </section>

        <section className={`${section} order-3`} aria-label="Case">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-mono text-xs">{data.case.key}</span>
            <SeverityBadge severity={data.case.severity} />
            <StatusBadge status={data.case.status} />
            <TlpBadge tlp={data.case.tlp} />
            <span className="text-xs text-slate-500">Lead {data.case.leadName}</span>
          </div>
          <h3 className="mt-1 font-medium">{data.case.title}</h3>
          <p className="text-sm text-slate-700">{data.case.summary}</p>
          <h4 className="mt-3 text-xs font-medium text-slate-500">
            Suspects and entities named by the request
          </h4>
          <ul className="mt-1 flex flex-wrap gap-2 text-sm">
            {data.suspects.map((s) => (
              <li key={s.id} className="rounded bg-slate-100 px-2 py-0.5">
                <span className="text-xs text-slate-500">{s.kind}</span>{" "}
                <span className="font-mono">{s.value}</span> <span className="text-xs">({s.role})</span>
              </li>
            ))}
          </ul>
        </section>

        <section className={`${section} order-4`} aria-label="Timeline around the trigger">
          <h3 className="font-medium">Timeline ± 2 h around the trigger</h3>
          {data.trigger ? null : (
            <p className="text-sm text-slate-500">The request names no trigger event.</p>
          )}
          <ol className="mt-2 space-y-1 text-sm">
            {data.window.map((e) => {
              const isTrigger = e.id === data.trigger?.id;
              const withSuspect = e.entities.some((x) => suspectIds.has(x.id));
              return (
                <li
                  key={e.id}
                  data-testid="window-event"
                  data-trigger={isTrigger || undefined}
                  className={`rounded px-2 py-1 ${isTrigger ? "bg-amber-100 font-medium" : withSuspect ? "bg-red-50" : ""}`}
                >
                  <span className="font-mono text-xs text-slate-500">{formatUtc(e.occurredAt)}</span>{" "}
                  {e.title}
                  {isTrigger ? <span className="ml-2 text-xs text-amber-800">trigger</span> : null}
                  {e.entities
                    .filter((x) => suspectIds.has(x.id))
                    .map((x) => (
                      <span key={x.id} className="ml-2 rounded bg-red-100 px-1 text-xs text-red-800">
                        {x.value}
                      </span>
                    ))}
                </li>
              );
            })}
          </ol>
        </section>
      </div>

      <div className="contents lg:block lg:space-y-4">
        <section className={`${section} order-2`} aria-label="Policy">
          <h3 className="font-medium">Policy</h3>
          <p className="text-sm" data-testid="policy-explanation">
            {data.policy.progress.explanation}
          </p>
          <p className="mt-1 text-xs text-slate-500">{data.policy.summary}</p>
          {data.decisions.map((d) => (
            <p key={`${d.approverName}-${d.createdAt.toISOString()}`} className="mt-1 text-sm">
              {d.approverName} {d.decision === "approve" ? "approved" : "denied"}
              {d.stepUpMethod ? ` (second factor: ${d.stepUpMethod})` : ""}
              {d.comment ? `: ${d.comment}` : ""}
              {d.policyVersion !== null ? (
                <span className="block text-xs text-slate-500">
                  Allowed as {d.approverRoles?.join(", ")}, clearance {d.approverClearance}, under policy
                  version {d.policyVersion}
                </span>
              ) : null}
            </p>
          ))}
        </section>
        <div className="order-2">
          <DecisionForm data={data} />
        </div>
        {data.grant ? (
          <div className="order-2">
            <GrantStatus grant={data.grant} />
          </div>
        ) : null}
        <section className={`${section} order-5`} aria-label="Requester history">
          <h3 className="font-medium">{data.requester?.name}&apos;s recent requests</h3>
          <History rows={data.history.map((h) => ({ ...h, label: h.actionKey }))} />
        </section>
        <section className={`${section} order-5`} aria-label="Similar requests">
          <h3 className="font-medium">Similar past requests</h3>
          <History
            rows={data.similar.map((h) => ({
              ...h,
              label: `${h.requesterName}${h.sameCase ? " · this case" : ""}`,
            }))}
          />
        </section>
      </div>
    </div>
  );
}

function History({ rows }: { rows: { id: string; label: string; status: string; createdAt: Date }[] }) {
  if (rows.length === 0) return <p className="text-sm text-slate-500">None.</p>;
  return (
    <ul className="mt-1 space-y-1 text-sm">
      {rows.map((h) => (
        <li key={h.id} className="flex items-center gap-2">
          <RequestStatusBadge status={h.status} />
          <span>{h.label}</span>
          <span className="ml-auto text-xs text-slate-500">{formatUtc(h.createdAt)}</span>
        </li>
      ))}
    </ul>
  );
}

function DecisionForm({ data }: { data: Review }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const r = data.request;
  const [comment, setComment] = useState("");
  const [narrow, setNarrow] = useState(false);
  const [params, setParams] = useState<Params>(r.params);
  const [minutes, setMinutes] = useState(r.requestedMinutes);
  const [uses, setUses] = useState(r.requestedUses);
  const [secondFactorCode, setSecondFactorCode] = useState("");
  const highRisk = approvalNeedsSecondFactor(r.riskTier);
  const decide = useMutation(
    trpc.requests.decide.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.requests.pathFilter()),
    }),
  );
  if (decide.data) {
    return (
      <section className={section} role="status">
        <p className="font-medium">
          {decide.data.status === "approved"
            ? "Approved: the grant is live for the requester."
            : decide.data.status === "denied"
              ? "Denied."
              : "Your approval is recorded."}
        </p>
        <p className="text-sm text-slate-600">{decide.data.explanation}</p>
        <Link href="/approvals" className="text-sm text-sky-700 hover:underline">
          Back to the queue
        </Link>
      </section>
    );
  }
  if (!data.me.canDecide) {
    return (
      <section className={section}>
        <p className="text-sm text-slate-600">{data.me.whyNot ?? `This request is ${r.status}.`}</p>
      </section>
    );
  }
  const base = { requestId: r.id, paramsHashSeen: r.paramsHash };
  return (
    <form
      aria-label="Decide"
      className={`${section} space-y-3`}
      onSubmit={(e) => {
        e.preventDefault();
        const code = secondFactorCode.trim() || undefined;
        decide.mutate(
          narrow
            ? { ...base, decision: "approve", comment, params, minutes, uses, secondFactorCode: code }
            : { ...base, decision: "approve", comment, secondFactorCode: code },
        );
      }}
    >
      <h3 className="font-medium">Your decision</h3>
      <Field label="Comment" hint="Required to deny" error={fieldError(decide.error, "comment")}>
        <textarea
          className={inputClass}
          rows={2}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={narrow} onChange={(e) => setNarrow(e.target.checked)} />
        Narrow the scope, window or uses
      </label>
      {narrow && data.paramsSchema ? (
        <div className="space-y-3 rounded bg-slate-50 p-3">
          <SchemaForm
            schema={data.paramsSchema}
            value={params}
            onChange={setParams}
            fieldErrors={
              (decide.error?.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors
            }
            idPrefix="narrow"
          />
          {fieldError(decide.error, "params") ? (
            <p className="text-xs text-red-700">{fieldError(decide.error, "params")}</p>
          ) : null}
          <div className="grid grid-cols-2 gap-3">
            <Field label="Minutes" error={fieldError(decide.error, "minutes")}>
              <input
                type="number"
                min={1}
                max={r.requestedMinutes}
                className={inputClass}
                value={minutes}
                onChange={(e) => setMinutes(Number(e.target.value))}
              />
            </Field>
            <Field label="Uses" error={fieldError(decide.error, "uses")}>
              <input
                type="number"
                min={1}
                max={r.requestedUses}
                className={inputClass}
                value={uses}
                onChange={(e) => setUses(Number(e.target.value))}
              />
            </Field>
          </div>
          <NarrowingDiff
            requested={{ params: r.params, minutes: r.requestedMinutes, uses: r.requestedUses }}
            granted={{ params, minutes, uses }}
            title="Your narrowing"
            empty="Nothing narrowed yet: change a field above."
          />
        </div>
      ) : null}
      {highRisk ? (
        <Field
          label="Authenticator code"
          hint="High-risk: approving needs your second factor (not needed if you confirmed one in the last 5 minutes)"
          error={fieldError(decide.error, "secondFactorCode")}
        >
          <input
            className={inputClass}
            inputMode="numeric"
            autoComplete="one-time-code"
            value={secondFactorCode}
            onChange={(e) => setSecondFactorCode(e.target.value)}
          />
        </Field>
      ) : null}
      <FormError error={decide.error} />
      <div className="flex gap-2">
        <Button type="submit" disabled={decide.isPending}>
          {narrow ? "Approve narrowed" : "Approve as requested"}
        </Button>
        <Button
          type="button"
          variant="danger"
          disabled={decide.isPending}
          onClick={() => decide.mutate({ ...base, decision: "deny", comment })}
        >
          Deny
        </Button>
      </div>
    </form>
  );
}

/** The grant this request produced; an approver of it (or an admin) may end it early. */
function GrantStatus({ grant }: { grant: NonNullable<Review["grant"]> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("");
  const revoke = useMutation(
    trpc.actions.revokeGrant.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.requests.pathFilter()),
    }),
  );
  return (
    <section className={section} aria-label="Grant">
      <h3 className="font-medium">Grant</h3>
      <p className="text-sm">
        {grant.live ? "Live" : grant.revokedAt ? "Revoked" : "Ended"} · used {grant.uses} of {grant.maxUses} ·
        expires {formatUtc(grant.expiresAt)}
      </p>
      {grant.live ? (
        <form
          className="mt-2 flex gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            revoke.mutate({ grantId: grant.id, reason });
          }}
        >
          <input
            aria-label="Reason to revoke"
            className={inputClass}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <Button type="submit" variant="danger" disabled={revoke.isPending}>
            Revoke
          </Button>
        </form>
      ) : null}
      <FormError error={revoke.error} />
    </section>
  );
}
