"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Options, SEVERITY_OPTIONS } from "./case-options";
import { SeverityBadge, StatusBadge, TlpBadge } from "@/components/ui/badges";
import { Field, inputClass } from "@/components/ui/field";

const STATUSES = ["new", "triage", "investigating", "contained", "closed"] as const;
type Status = (typeof STATUSES)[number];

export function CaseList() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<Status | "">("");
  const [severity, setSeverity] = useState("");
  const [mine, setMine] = useState(false);
  const [q, setQ] = useState("");
  const cases = useQuery(
    trpc.cases.list.queryOptions({
      status: status || undefined,
      severity: severity ? Number(severity) : undefined,
      mine: mine || undefined,
      q: q.trim() || undefined,
    }),
  );

  return (
    <section className="mt-6 rounded-lg border border-slate-200 bg-white">
      <form
        className="flex flex-wrap items-end gap-3 border-b border-slate-200 p-3"
        onSubmit={(e) => e.preventDefault()}
      >
        <Field label="Search" className="w-64">
          <input
            className={inputClass}
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Key, title or summary"
          />
        </Field>
        <Field label="Status">
          <select
            className={inputClass}
            value={status}
            onChange={(e) => setStatus(e.target.value as Status | "")}
          >
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="Severity">
          <select className={inputClass} value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">Any severity</option>
            <Options options={SEVERITY_OPTIONS} />
          </select>
        </Field>
        <label className="flex items-center gap-2 pb-1 text-sm">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} />
          Led by me
        </label>
      </form>
      {cases.error ? (
        <p role="alert" className="p-3 text-red-700">
          {cases.error.message}
        </p>
      ) : null}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2 font-medium">Case</th>
              <th className="px-3 py-2 font-medium">Title</th>
              <th className="px-3 py-2 font-medium">Severity</th>
              <th className="px-3 py-2 font-medium">Status</th>
              <th className="px-3 py-2 font-medium">TLP</th>
              <th className="px-3 py-2 font-medium">Lead</th>
              <th className="px-3 py-2 text-right font-medium">Events</th>
              <th className="px-3 py-2 font-medium">Updated (UTC)</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {(cases.data ?? []).map((c) => (
              <tr key={c.id} className="hover:bg-slate-50">
                <td className="px-3 py-2 font-mono text-xs">
                  <Link className="text-sky-700 hover:underline" href={`/cases/${c.key}`}>
                    {c.key}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  <Link className="font-medium hover:underline" href={`/cases/${c.key}`}>
                    {c.title}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  <SeverityBadge severity={c.severity} />
                </td>
                <td className="px-3 py-2">
                  <StatusBadge status={c.status} />
                  {c.resolution ? (
                    <span className="ml-1 text-xs text-slate-500">{c.resolution.replace("_", " ")}</span>
                  ) : null}
                </td>
                <td className="px-3 py-2">
                  <TlpBadge tlp={c.tlp} />
                </td>
                <td className="px-3 py-2">{c.leadName}</td>
                <td className="px-3 py-2 text-right tabular-nums">{c.events}</td>
                <td className="px-3 py-2 font-mono text-xs text-slate-500">
                  {c.updatedAt.toISOString().slice(0, 16).replace("T", " ")}
                </td>
              </tr>
            ))}
            {cases.data && cases.data.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-3 py-6 text-center text-slate-500">
                  No cases match. Cases appear here when you open one or a lead adds you.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
