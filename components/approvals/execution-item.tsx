"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import type { RouterOutputs } from "@/server/trpc/routers/_app";

type Execution = RouterOutputs["requests"]["ofCase"]["requests"][number]["executions"][number];

const STATUS_STYLE: Record<Execution["status"], string> = {
  pending: "bg-slate-100 text-slate-800",
  running: "bg-sky-100 text-sky-900",
  succeeded: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
};

/** One run of a grant: its state (live), what the connector reported, and the rows it collected. */
export function ExecutionItem({ caseId, execution: x }: { caseId: string; execution: Execution }) {
  const [open, setOpen] = useState(false);
  return (
    <div
      className="mt-2 border-t border-slate-200 pt-2 text-xs"
      data-testid="execution"
      data-status={x.status}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className={`rounded px-1.5 py-0.5 font-medium ${STATUS_STYLE[x.status]}`}>{x.status}</span>
        <span className="text-slate-600">
          {formatUtc(x.startedAt)}
          {x.connectorName ? ` · via ${x.connectorName}` : ""}
        </span>
        {x.evidenceId ? (
          <Button type="button" variant="secondary" className="ml-auto" onClick={() => setOpen(!open)}>
            {open ? "Hide rows" : "Show rows"}
          </Button>
        ) : null}
      </div>
      <p className="mt-1 text-slate-700">{x.summary}</p>
      {open && x.evidenceId ? <CollectedRows caseId={caseId} evidenceId={x.evidenceId} /> : null}
    </div>
  );
}

function CollectedRows({ caseId, evidenceId }: { caseId: string; evidenceId: string }) {
  const trpc = useTRPC();
  const { data, error } = useQuery(trpc.cases.evidence.content.queryOptions({ caseId, evidenceId }));
  if (error) return <p className="text-red-800">{error.message}</p>;
  if (!data) return <p className="text-slate-500">Loading rows…</p>;
  return (
    <div className="mt-2">
      <p className="text-slate-700">
        Evidence <span className="font-medium">{data.name}</span> · {data.totalRows} row(s) · {data.sizeBytes}{" "}
        bytes · SHA-256{" "}
        <span className="font-mono break-all" data-testid="evidence-sha256">
          {data.sha256}
        </span>
      </p>
      <div className="mt-1 max-h-96 overflow-auto rounded border border-slate-200">
        <table className="min-w-full text-left">
          <caption className="sr-only">Rows collected</caption>
          <thead className="sticky top-0 bg-slate-100">
            <tr>
              {data.columns.map((c) => (
                <th key={c} scope="col" className="px-2 py-1 font-mono">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((row, i) => (
              <tr key={i} className="odd:bg-white even:bg-slate-50">
                {row.map((cell, j) => (
                  <td key={j} className="px-2 py-0.5 font-mono whitespace-nowrap">
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data.totalRows > data.rows.length ? (
        <p className="text-slate-500">Showing the first {data.rows.length} rows.</p>
      ) : null}
    </div>
  );
}
