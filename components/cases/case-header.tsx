"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Options, SEVERITY_OPTIONS, TLP_OPTIONS } from "./case-options";
import { SeverityBadge, StatusBadge, TlpBadge } from "@/components/ui/badges";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import type { RouterOutputs } from "@/server/trpc/routers/_app";
import { formatUtc } from "./format";

type CaseData = RouterOutputs["cases"]["byKey"];

const RESOLUTIONS = [
  ["true_positive", "True positive"],
  ["false_positive", "False positive"],
  ["benign", "Benign"],
  ["duplicate", "Duplicate"],
  ["indeterminate", "Indeterminate"],
] as const;
type Resolution = (typeof RESOLUTIONS)[number][0];

export function CaseHeader({ caseData: c }: { caseData: CaseData }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.cases.pathFilter());
  const [editing, setEditing] = useState(false);
  const [nextStatus, setNextStatus] = useState("");
  const [resolution, setResolution] = useState<Resolution | "">("");
  const setStatus = useMutation(
    trpc.cases.setStatus.mutationOptions({
      onSuccess: async () => {
        setNextStatus("");
        setResolution("");
        await refresh();
      },
    }),
  );

  return (
    <header className="border-b border-slate-200 pb-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <p className="font-mono text-xs text-slate-500">{c.key}</p>
          <h1 className="text-lg font-semibold">{c.title}</h1>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-sm">
            <SeverityBadge severity={c.severity} />
            <StatusBadge status={c.status} />
            {c.resolution ? (
              <span className="text-xs text-slate-600">resolution: {c.resolution.replace("_", " ")}</span>
            ) : null}
            <TlpBadge tlp={c.tlp} />
            <span className="text-slate-600">Lead {c.leadName}</span>
            <span className="text-slate-500">· opened {formatUtc(c.openedAt)}</span>
          </div>
          {c.summary ? (
            <p className="mt-2 max-w-3xl whitespace-pre-wrap text-slate-700">{c.summary}</p>
          ) : null}
        </div>
        {c.myAccess === "write" ? (
          <div className="flex flex-wrap items-end gap-2">
            <Field label="Move to">
              <select
                className={inputClass}
                value={nextStatus}
                onChange={(e) => setNextStatus(e.target.value)}
              >
                <option value="">Status…</option>
                {c.nextStatuses.map((s) => (
                  <option key={s} value={s}>
                    {s === "investigating" && c.status === "closed" ? "investigating (reopen)" : s}
                  </option>
                ))}
              </select>
            </Field>
            {nextStatus === "closed" ? (
              <Field label="Resolution" error={fieldError(setStatus.error, "resolution")}>
                <select
                  className={inputClass}
                  value={resolution}
                  onChange={(e) => setResolution(e.target.value as Resolution | "")}
                >
                  <option value="">Choose…</option>
                  {RESOLUTIONS.map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
            <Button
              disabled={!nextStatus || setStatus.isPending}
              onClick={() =>
                setStatus.mutate({
                  caseId: c.id,
                  version: c.version,
                  status: nextStatus as CaseData["status"],
                  resolution: resolution || null,
                })
              }
            >
              Change status
            </Button>
            <Button variant="secondary" onClick={() => setEditing((e) => !e)}>
              {editing ? "Close editor" : "Edit case"}
            </Button>
          </div>
        ) : null}
      </div>
      <div className="mt-2">
        <FormError error={setStatus.error} />
      </div>
      {editing ? <CaseEditor caseData={c} onDone={() => setEditing(false)} /> : null}
    </header>
  );
}

function CaseEditor({ caseData: c, onDone }: { caseData: CaseData; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(c.title);
  const [summary, setSummary] = useState(c.summary);
  const [severity, setSeverity] = useState(String(c.severity));
  const [tlp, setTlp] = useState(c.tlp);
  const update = useMutation(
    trpc.cases.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.cases.pathFilter());
        onDone();
      },
    }),
  );
  return (
    <form
      className="mt-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4"
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate({ caseId: c.id, version: c.version, title, summary, severity: Number(severity), tlp });
      }}
    >
      <Field label="Title" error={fieldError(update.error, "title")} className="md:col-span-2">
        <input className={inputClass} value={title} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <Field label="Severity">
        <select className={inputClass} value={severity} onChange={(e) => setSeverity(e.target.value)}>
          <Options options={SEVERITY_OPTIONS} />
        </select>
      </Field>
      <Field label="TLP">
        <select
          className={inputClass}
          value={tlp}
          onChange={(e) => setTlp(e.target.value as CaseData["tlp"])}
        >
          <Options options={TLP_OPTIONS} />
        </select>
      </Field>
      <Field label="Summary" error={fieldError(update.error, "summary")} className="md:col-span-4">
        <textarea
          className={inputClass}
          rows={3}
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
        />
      </Field>
      <div className="md:col-span-4">
        <FormError error={update.error} />
      </div>
      <div className="md:col-span-4">
        <Button type="submit" disabled={update.isPending}>
          Save changes
        </Button>
      </div>
    </form>
  );
}
