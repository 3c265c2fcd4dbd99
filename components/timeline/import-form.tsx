"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, FormError, inputClass } from "@/components/ui/field";

type Format = "csv" | "jsonl";

export function ImportForm({ caseId }: { caseId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<Format>("csv");
  const run = useMutation(
    trpc.cases.timeline.import.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.cases.pathFilter()),
    }),
  );
  const result = run.data;

  return (
    <form
      aria-label="Import events"
      className="space-y-3 border-x border-b border-slate-200 bg-slate-50 p-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (!file) return;
        void file.text().then((content) => run.mutate({ caseId, format, content, fileName: file.name }));
      }}
    >
      <p className="text-slate-600">
        CSV with a header row (<code>occurred_at</code>, <code>title</code>, and optionally{" "}
        <code>description</code>, <code>category</code>, <code>attack_technique</code>, <code>starred</code>,{" "}
        <code>entities</code> as <code>relation:kind:value;…</code>) or JSON lines (one object per line:{" "}
        <code>occurredAt</code>, <code>title</code>, …). Times need a time zone, e.g.{" "}
        <code>2026-11-20T13:05:00Z</code>. Bad rows are reported by line and skipped; the good rows are
        imported together.
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <Field label="File">
          <input
            type="file"
            accept=".csv,.jsonl,.ndjson,.json,text/csv,application/x-ndjson"
            className="text-sm"
            onChange={(e) => {
              const chosen = e.target.files?.[0] ?? null;
              setFile(chosen);
              if (chosen && /\.(jsonl|ndjson|json)$/i.test(chosen.name)) setFormat("jsonl");
              else if (chosen) setFormat("csv");
            }}
          />
        </Field>
        <Field label="Format">
          <select className={inputClass} value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            <option value="csv">CSV</option>
            <option value="jsonl">JSON lines</option>
          </select>
        </Field>
        <Button type="submit" disabled={!file || run.isPending}>
          {run.isPending ? "Importing…" : "Import"}
        </Button>
      </div>
      <FormError error={run.error} />
      {result ? (
        <div role="status" className="rounded-md border border-slate-200 bg-white p-3">
          <p className="font-medium">
            Imported {result.imported} {result.imported === 1 ? "event" : "events"}
            {result.problems.length ? `; ${result.problems.length} rows rejected` : ""}.
          </p>
          {result.problems.length ? (
            <div className="overflow-x-auto">
              <table className="mt-2 w-full text-left text-sm">
                <thead className="text-xs uppercase tracking-wide text-slate-500">
                  <tr>
                    <th className="py-1 pr-3 font-medium">Line</th>
                    <th className="py-1 font-medium">Reason</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {result.problems.map((p) => (
                    <tr key={p.line}>
                      <td className="py-1 pr-3 font-mono">{p.line}</td>
                      <td className="py-1">{p.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <p className="mt-2 font-mono text-xs text-slate-500">SHA-256 of the file: {result.sha256}</p>
        </div>
      ) : null}
    </form>
  );
}
