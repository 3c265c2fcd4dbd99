"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import type { RouterOutputs } from "@/server/trpc/routers/_app";
import { RequestStatusBadge, RiskBadge } from "./badges";
import { ExecutionItem } from "./execution-item";
import { GrantActions } from "./grant-actions";
import { NarrowingDiff } from "./narrowing-diff";
import { ParamsTable } from "./params-table";

type Data = RouterOutputs["requests"]["ofCase"];
type Row = Data["requests"][number];

/** Seconds left until `until`, ticking, by the server's clock (offset measured at fetch). */
function useCountdown(until: Date | null, offsetMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return until ? Math.max(0, Math.floor((until.getTime() - (now + offsetMs)) / 1000)) : 0;
}

export function CaseRequests({ caseId, canWrite }: { caseId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const { data, dataUpdatedAt } = useSuspenseQuery(trpc.requests.ofCase.queryOptions({ caseId }));
  const offsetMs = data.now.getTime() - dataUpdatedAt;
  if (data.requests.length === 0)
    return <p className="text-slate-500">No actions requested on this case yet.</p>;
  return (
    <ul className="space-y-3" aria-label="Requests">
      {data.requests.map((r) => (
        <RequestItem key={r.id} row={r} caseId={caseId} canWrite={canWrite} offsetMs={offsetMs} />
      ))}
    </ul>
  );
}

/** The window the approvers allowed: the shortest narrowed duration, else what was asked. */
function grantedMinutes(row: Row): number {
  const narrowed = row.decisions.flatMap((d) => (d.narrowedMinutes === null ? [] : [d.narrowedMinutes]));
  return Math.min(row.requestedMinutes, ...narrowed);
}

function RequestItem({
  row,
  caseId,
  canWrite,
  offsetMs,
}: {
  row: Row;
  caseId: string;
  canWrite: boolean;
  offsetMs: number;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.requests.pathFilter());
  const cancel = useMutation(trpc.requests.cancel.mutationOptions({ onSuccess: refresh }));
  const grant = row.grant;
  const live = Boolean(grant?.live);
  const left = useCountdown(
    live && grant ? grant.expiresAt : row.status === "pending" ? row.expiresAt : null,
    offsetMs,
  );
  const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;

  return (
    <li
      className="rounded-md border border-slate-200 bg-white p-4"
      data-testid="request"
      data-status={row.status}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{row.actionTitle}</span>
        <RiskBadge tier={row.riskTier} />
        <RequestStatusBadge status={row.status} />
        {row.breakGlass ? (
          <span className="rounded bg-red-700 px-1.5 py-0.5 text-xs font-bold text-white">BREAK-GLASS</span>
        ) : null}
        <span className="ml-auto text-xs text-slate-500">
          {row.requesterName} · {formatUtc(row.createdAt)}
        </span>
      </div>
      <p className="mt-1 text-sm text-slate-700">{row.justification}</p>
      {row.triggerTitle ? <p className="text-xs text-slate-500">Trigger: {row.triggerTitle}</p> : null}
      <ParamsTable
        params={grant ? grant.scope : row.params}
        caption={grant ? "Granted scope" : "Requested"}
      />
      {grant ? (
        <NarrowingDiff
          requested={{ params: row.params, minutes: row.requestedMinutes, uses: row.requestedUses }}
          granted={{ params: grant.scope, minutes: grantedMinutes(row), uses: grant.maxUses }}
        />
      ) : null}
      {row.status === "pending" ? (
        <p className="mt-2 text-sm text-slate-600">
          Waiting for approval · expires in <span className="font-mono">{clock}</span>
        </p>
      ) : null}
      {row.decisions.map((d) => (
        <p key={`${d.approverName}-${d.createdAt.toISOString()}`} className="mt-1 text-sm">
          <span className="font-medium">{d.approverName}</span>{" "}
          {d.decision === "approve" ? "approved" : "denied"}
          {d.narrowedParams || d.narrowedMinutes || d.narrowedUses ? " (narrowed)" : ""}
          {d.comment ? `: ${d.comment}` : ""}
          {d.policyVersion !== null ? (
            <span className="text-xs text-slate-500">
              {" "}
              — as {d.approverRoles?.join(", ")}, clearance {d.approverClearance}, policy v{d.policyVersion}
            </span>
          ) : null}
        </p>
      ))}
      {row.status === "denied" && row.outcomeNote ? (
        <p className="mt-1 text-sm text-red-800">Denied: {row.outcomeNote}</p>
      ) : null}
      {grant ? (
        <div className="mt-2 rounded bg-slate-50 p-2 text-sm" data-testid="grant">
          {live ? (
            <span className="text-emerald-800">
              Granted · <span className="font-mono">{clock}</span> left · {grant.maxUses - grant.uses} of{" "}
              {grant.maxUses} use{grant.maxUses === 1 ? "" : "s"} left
            </span>
          ) : (
            <span className="text-slate-600">
              Grant ended ({grant.revokedAt ? "revoked" : grant.uses >= grant.maxUses ? "used" : "expired"}) ·
              used {grant.uses} of {grant.maxUses}
            </span>
          )}
          {canWrite && grant.mine ? (
            <GrantActions caseId={caseId} grant={grant} actionKey={row.actionKey} live={live} />
          ) : null}
          {row.executions.map((x) => (
            <ExecutionItem key={x.id} caseId={caseId} execution={x} />
          ))}
        </div>
      ) : null}
      {row.status === "pending" && canWrite ? (
        <div className="mt-2">
          <Button type="button" variant="secondary" onClick={() => cancel.mutate({ requestId: row.id })}>
            Cancel request
          </Button>
          <FormError error={cancel.error} />
        </div>
      ) : null}
    </li>
  );
}
