"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import type { RouterInputs } from "@/server/trpc/routers/_app";

type Filter = RouterInputs["compliance"]["findings"]["list"];

const SEVERITY: Record<string, string> = {
  critical: "bg-red-700 text-white",
  high: "bg-orange-100 text-orange-900",
  medium: "bg-amber-100 text-amber-900",
  low: "bg-slate-100 text-slate-700",
};

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${SEVERITY[severity] ?? ""}`}>
      {severity}
    </span>
  );
}

/** Findings to triage, most severe first; detectors run every minute, or now on demand. */
export function FindingsList({ filter }: { filter: Filter }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useSuspenseQuery(trpc.compliance.findings.list.queryOptions(filter));
  const run = useMutation(
    trpc.compliance.detectors.run.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.compliance.pathFilter()),
    }),
  );
  return (
    <section aria-label="Findings" className="mt-6">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="font-semibold">Findings</h2>
        <Button
          type="button"
          variant="secondary"
          className="ml-auto"
          onClick={() => run.mutate()}
          disabled={run.isPending}
        >
          {run.isPending ? "Running…" : "Run detectors now"}
        </Button>
      </div>
      {run.data ? (
        <p role="status" className="text-sm text-slate-600">
          Ran {run.data.length} detectors in {run.data.reduce((a, r) => a + r.ms, 0)} ms:{" "}
          {run.data.reduce((a, r) => a + r.opened, 0)} new or reopened finding(s).
        </p>
      ) : null}
      <FormError error={run.error} />
      {data.length === 0 ? <p className="mt-2 text-sm text-slate-500">No findings match.</p> : null}
      <ul className="mt-2 divide-y divide-slate-200 rounded-md border border-slate-200 bg-white">
        {data.map((f) => (
          <li
            key={f.id}
            className="flex flex-wrap items-center gap-2 px-3 py-2 text-sm"
            data-testid="finding"
            data-status={f.status}
          >
            <SeverityBadge severity={f.severity} />
            <Link href={`/compliance/findings/${f.id}`} className="font-medium text-sky-800 hover:underline">
              {f.title}
            </Link>
            <span className="text-xs text-slate-500">{f.detector.replaceAll("_", " ")}</span>
            <span className="ml-auto text-xs text-slate-600">
              {f.status.replace("_", " ")} · seen {formatUtc(f.lastSeenAt)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
