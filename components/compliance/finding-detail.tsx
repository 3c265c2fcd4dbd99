"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import type { RouterOutputs } from "@/server/trpc/routers/_app";
import { SeverityBadge } from "./findings-list";

type Detail = RouterOutputs["compliance"]["findings"]["get"];
type Status = Detail["finding"]["status"];

const NEXT: Record<Status, { status: Status; label: string }[]> = {
  open: [
    { status: "acknowledged", label: "Acknowledge" },
    { status: "resolved", label: "Resolve" },
    { status: "false_positive", label: "False positive" },
  ],
  acknowledged: [
    { status: "resolved", label: "Resolve" },
    { status: "false_positive", label: "False positive" },
    { status: "open", label: "Reopen" },
  ],
  resolved: [{ status: "open", label: "Reopen" }],
  false_positive: [{ status: "open", label: "Reopen" }],
};

/** A finding with the rows behind it, and its triage. */
export function FindingDetail({ findingId }: { findingId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useSuspenseQuery(trpc.compliance.findings.get.queryOptions({ findingId }));
  const [note, setNote] = useState("");
  const triage = useMutation(
    trpc.compliance.findings.triage.mutationOptions({
      onSuccess: async () => {
        setNote("");
        await queryClient.invalidateQueries(trpc.compliance.pathFilter());
      },
    }),
  );
  const f = data.finding;
  const r = data.rows;
  return (
    <div className="mt-4 space-y-4">
      <section className="rounded-md border border-slate-200 bg-white p-4" aria-label="Finding">
        <div className="flex flex-wrap items-center gap-2">
          <SeverityBadge severity={f.severity} />
          <span className="font-semibold">{f.title}</span>
          <span className="ml-auto text-sm" data-testid="finding-status">
            {f.status.replace("_", " ")}
          </span>
        </div>
        <p className="mt-2 text-sm text-slate-700">{f.explanation}</p>
        <p className="mt-1 text-xs text-slate-500">
          {f.detector.replaceAll("_", " ")} · first seen {formatUtc(f.firstSeenAt)} · last seen{" "}
          {formatUtc(f.lastSeenAt)} · {f.occurrences} instance(s)
        </p>
        {f.triagedAt ? (
          <p className="mt-1 text-sm">
            {f.status.replace("_", " ")} by {f.triagedByName} ({formatUtc(f.triagedAt)})
            {f.triageNote ? `: ${f.triageNote}` : ""}
          </p>
        ) : null}
        <form
          aria-label="Triage"
          className="mt-3 flex flex-wrap items-end gap-2"
          onSubmit={(e) => e.preventDefault()}
        >
          <Field label="Note" className="min-w-72 flex-1" error={fieldError(triage.error, "note")}>
            <input className={inputClass} value={note} onChange={(e) => setNote(e.target.value)} />
          </Field>
          {NEXT[f.status].map((n) => (
            <Button
              key={n.status}
              type="button"
              variant={n.status === "acknowledged" ? "primary" : "secondary"}
              disabled={triage.isPending}
              onClick={() => triage.mutate({ findingId, status: n.status, note })}
            >
              {n.label}
            </Button>
          ))}
        </form>
        <FormError error={triage.error && !fieldError(triage.error, "note") ? triage.error : null} />
      </section>

      {r.approvals.length ? (
        <Rows
          title="Approvals behind it"
          head={["Decided", "Approver", "Requester", "Action", "Decision", "Seconds to decide", "Comment"]}
          rows={r.approvals.map((a) => [
            formatUtc(new Date(a.created_at)),
            a.approver,
            a.requester,
            a.action_key,
            a.decision,
            String(a.seconds),
            a.comment || "(none)",
          ])}
          links={r.approvals.map((a) => `/cases/${a.case_key}?tab=actions`)}
        />
      ) : null}
      {r.requests.length ? (
        <Rows
          title="Requests behind it"
          head={["Created", "Requester", "Action", "Case", "Status"]}
          rows={r.requests.map((q) => [
            formatUtc(new Date(q.created_at)),
            q.requester,
            q.action_key,
            q.case_key,
            `${q.status}${q.break_glass ? " (break-glass)" : ""}`,
          ])}
          links={r.requests.map((q) => `/cases/${q.case_key}?tab=actions`)}
        />
      ) : null}
      {r.grants.length ? (
        <Rows
          title="Grants behind it"
          head={["Granted", "Grantee", "Action", "Minutes", "Used"]}
          rows={r.grants.map((g) => [
            formatUtc(new Date(g.created_at)),
            g.grantee,
            g.action_key,
            String(g.minutes),
            `${g.uses} of ${g.max_uses}`,
          ])}
        />
      ) : null}
      {r.executions.length ? (
        <Rows
          title="Executions behind it"
          head={["Started", "By", "Action", "Status", "Summary"]}
          rows={r.executions.map((x) => [
            formatUtc(new Date(x.started_at)),
            x.executor,
            x.action_key,
            x.status,
            x.summary ?? "",
          ])}
        />
      ) : null}
      {r.ledger.length ? (
        <Rows
          title="Ledger entries behind it"
          head={["Seq", "Type", "At"]}
          rows={r.ledger.map((e) => [String(e.seq), e.type, e.at])}
          links={r.ledger.map((e) => `/ledger?seq=${e.seq}`)}
        />
      ) : null}
    </div>
  );
}

function Rows({
  title,
  head,
  rows,
  links,
}: {
  title: string;
  head: string[];
  rows: string[][];
  links?: string[];
}) {
  return (
    <section aria-label={title} className="rounded-md border border-slate-200 bg-white p-3">
      <h3 className="text-sm font-semibold">{title}</h3>
      <div className="mt-1 overflow-x-auto">
        <table className="min-w-full text-left text-sm">
          <thead className="text-xs text-slate-600">
            <tr>
              {head.map((h) => (
                <th key={h} scope="col" className="px-2 py-1">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i} className="border-t border-slate-100">
                {row.map((cell, j) => (
                  <td key={j} className="px-2 py-1">
                    {j === 0 && links?.[i] ? (
                      <a className="text-sky-700 hover:underline" href={links[i]}>
                        {cell}
                      </a>
                    ) : (
                      cell
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
