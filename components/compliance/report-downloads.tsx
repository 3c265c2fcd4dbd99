"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, FormError, inputClass } from "@/components/ui/field";

const REPORTS = [
  {
    name: "summary.pdf",
    label: "PDF summary",
    hint: "Figures, activity chart, open findings, ledger status",
  },
  {
    name: "evidence-bundle.json",
    label: "Signed evidence bundle",
    hint: "Ledger entries with inclusion proofs and a signed checkpoint; verify with npm run ledger:verify",
  },
  { name: "requests.csv", label: "Requests (CSV)", hint: "One row per request" },
  { name: "decisions.csv", label: "Decisions (CSV)", hint: "One row per approve or deny" },
  { name: "grants.csv", label: "Grants (CSV)", hint: "One row per grant, with uses and revocation" },
  { name: "executions.csv", label: "Executions (CSV)", hint: "One row per run, with its outcome" },
] as const;

const DAY_MS = 86_400_000;
const utcDay = (d: Date) => d.toISOString().slice(0, 10);
const nextDay = (day: string) => utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS));

type Download = { label: string; filename: string; sha256: string | null };
type Problem = { message: string };

function filenameOf(response: Response, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "");
  return match?.[1] ?? fallback;
}

/** Saves a fetched body under its file name; fetching first lets an error show here instead of as a file. */
function save(blob: Blob, filename: string) {
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

export function ReportDownloads() {
  const trpc = useTRPC();
  const { data: cases } = useSuspenseQuery(trpc.cases.list.queryOptions({}));
  const today = utcDay(new Date());
  const [kind, setKind] = useState<"period" | "case">("period");
  const [from, setFrom] = useState(utcDay(new Date(Date.now() - 29 * DAY_MS)));
  const [to, setTo] = useState(today);
  const [caseKey, setCaseKey] = useState(cases[0]?.key ?? "");
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [last, setLast] = useState<Download | null>(null);

  const periodError =
    kind === "period" && (!from || !to || to < from) ? "The end must not be before the start." : null;
  const query =
    kind === "period"
      ? new URLSearchParams({ from, to: to ? nextDay(to) : "" })
      : new URLSearchParams({ case: caseKey });
  const ready = kind === "period" ? !periodError : caseKey !== "";

  async function download(name: string, label: string) {
    setBusy(name);
    setProblem(null);
    try {
      const response = await fetch(`/api/reports/${name}?${query.toString()}`);
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: Problem } | null;
        setProblem({ message: body?.error?.message ?? `The report failed (HTTP ${response.status}).` });
        return;
      }
      const filename = filenameOf(response, name);
      save(await response.blob(), filename);
      setLast({ label, filename, sha256: response.headers.get("X-Content-SHA256") });
    } catch {
      setProblem({ message: "The report could not be fetched: check your connection and try again." });
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="mt-6 grid gap-6 md:grid-cols-[20rem_1fr]">
      <fieldset className="space-y-3 self-start rounded-md border border-slate-200 bg-white p-4">
        <legend className="px-1 text-sm font-semibold">Scope</legend>
        <div className="flex gap-4 text-sm">
          <label className="flex items-center gap-1.5">
            <input type="radio" name="scope" checked={kind === "period"} onChange={() => setKind("period")} />
            A period
          </label>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="scope" checked={kind === "case"} onChange={() => setKind("case")} />A
            case
          </label>
        </div>
        {kind === "period" ? (
          <>
            <Field label="From (UTC)">
              <input
                type="date"
                className={inputClass}
                value={from}
                max={today}
                onChange={(e) => setFrom(e.target.value)}
              />
            </Field>
            <Field label="To (UTC, included)" error={periodError}>
              <input type="date" className={inputClass} value={to} onChange={(e) => setTo(e.target.value)} />
            </Field>
          </>
        ) : (
          <Field label="Case" hint={cases.length ? undefined : "No cases yet."}>
            <select className={inputClass} value={caseKey} onChange={(e) => setCaseKey(e.target.value)}>
              {cases.map((c) => (
                <option key={c.id} value={c.key}>
                  {c.key} · {c.title}
                </option>
              ))}
            </select>
          </Field>
        )}
        <p className="text-xs text-slate-500">
          Every download is recorded in the ledger (<code>report.generated</code>) with the file&apos;s
          SHA-256.
        </p>
      </fieldset>

      <section aria-label="Downloads" className="space-y-3">
        <FormError error={problem} />
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white">
          {REPORTS.map((r) => (
            <li key={r.name} className="flex items-center justify-between gap-4 px-4 py-3">
              <div>
                <p className="text-sm font-medium">{r.label}</p>
                <p className="text-xs text-slate-500">{r.hint}</p>
              </div>
              <Button
                variant="secondary"
                disabled={!ready || busy !== null}
                onClick={() => void download(r.name, r.label)}
                aria-label={`Download ${r.label}`}
              >
                {busy === r.name ? "Preparing…" : "Download"}
              </Button>
            </li>
          ))}
        </ul>
        {last ? (
          <p role="status" className="text-xs text-slate-600">
            Downloaded {last.label}: <span className="font-mono">{last.filename}</span>
            {last.sha256 ? (
              <>
                , SHA-256 <span className="font-mono break-all">{last.sha256}</span>
              </>
            ) : null}
          </p>
        ) : null}
      </section>
    </div>
  );
}
