"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { lastDays, type Period, periodQuery } from "./period";

const RANGES = [7, 30, 90] as const;

// The chart library is loaded after the figures render, keeping it out of the page's first load.
const ActivityChart = dynamic(() => import("./activity-chart"), {
  ssr: false,
  loading: () => <p className="text-sm text-slate-500">Loading chart…</p>,
});

function Figure({
  label,
  value,
  href,
  hint,
}: {
  label: string;
  value: string | number;
  href?: string;
  hint?: string;
}) {
  const body = (
    <>
      <span className="block text-2xl font-semibold tabular-nums">{value}</span>
      <span className="text-xs text-slate-600">{label}</span>
      {hint ? <span className="block text-xs text-slate-500">{hint}</span> : null}
    </>
  );
  return href ? (
    <Link
      href={href}
      className="rounded-md border border-slate-200 bg-white p-3 hover:border-sky-400"
      aria-label={`${label}: ${value}`}
    >
      {body}
    </Link>
  ) : (
    <div className="rounded-md border border-slate-200 bg-white p-3">{body}</div>
  );
}

/** Figures over the approval process for a period; every number opens the rows behind it. */
export function Dashboard({ period }: { period: Period }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { data } = useSuspenseQuery(trpc.compliance.dashboard.queryOptions(period));
  const rows = (kind: string, extra: Record<string, string> = {}) =>
    `/compliance/rows?${periodQuery(period, { kind, ...extra })}`;
  const severities = ["critical", "high", "medium", "low"].map((s) => ({
    severity: s,
    n: data.openFindings.filter((f) => f.severity === s).reduce((a, f) => a + f.n, 0),
  }));
  const detectors = [...new Set(data.openFindings.map((f) => f.detector))];
  return (
    <section aria-label="Dashboard" className="mt-6 space-y-4">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-slate-600">
          {formatUtc(period.from)} – {formatUtc(period.to)}
        </span>
        <label className="ml-2 flex items-center gap-1">
          Team
          <select
            className="rounded border border-slate-300 bg-white px-1 py-0.5"
            value={period.team ?? ""}
            onChange={(e) =>
              router.push(`/compliance?${periodQuery({ ...period, team: e.target.value || null })}`)
            }
          >
            <option value="">Everyone</option>
            {data.teams.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        {RANGES.map((days) => (
          <button
            key={days}
            type="button"
            className="rounded border border-slate-300 bg-white px-2 py-0.5 hover:bg-slate-100"
            onClick={() =>
              router.push(`/compliance?${periodQuery({ ...lastDays(days), team: period.team })}`)
            }
          >
            Last {days} days
          </button>
        ))}
      </div>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-6">
        {data.headline.map((f) => (
          <Figure
            key={f.key}
            label={f.label}
            value={f.value}
            hint={f.hint ?? undefined}
            href={f.drill ? rows(f.drill) : undefined}
          />
        ))}
        {severities.map((s) => (
          <Figure
            key={s.severity}
            label={`Open ${s.severity} findings`}
            value={s.n}
            href={`/compliance/findings?severity=${s.severity}`}
          />
        ))}
      </div>
      <div className="rounded-md border border-slate-200 bg-white p-3">
        <h3 className="text-sm font-semibold">Per day (UTC)</h3>
        <div className="h-56" data-testid="activity-chart">
          <ActivityChart series={data.series} />
        </div>
      </div>
      <div className="grid gap-3 md:grid-cols-3">
        <People
          title="Top approvers"
          people={data.topApprovers}
          href={(id) => rows("approvals_by", { userId: id })}
        />
        <People
          title="Top requesters"
          people={data.topRequesters}
          href={(id) => rows("requests_by", { userId: id })}
        />
        <div className="rounded-md border border-slate-200 bg-white p-3 text-sm" aria-label="Ledger status">
          <h3 className="font-semibold">Ledger</h3>
          <p>
            Last checkpoint: {data.ledger.checkpointSize ?? "none"} entries
            {data.ledger.checkpointAt ? `, ${formatUtc(new Date(data.ledger.checkpointAt))}` : ""}
          </p>
          <p className={data.ledger.verifiedOk === false ? "font-semibold text-red-700" : ""}>
            Last verification:{" "}
            {data.ledger.verifiedAt
              ? `${data.ledger.verifiedOk ? "verified" : "FAILED"} (${data.ledger.verifiedEntries ?? 0} entries, ${formatUtc(new Date(data.ledger.verifiedAt))})`
              : "not run yet"}
          </p>
          {data.ledger.stateOk !== null ? (
            <p className={data.ledger.stateOk ? "" : "font-semibold text-red-700"}>
              State reconciliation:{" "}
              {data.ledger.stateOk
                ? "tables match the ledger"
                : `${data.ledger.stateMismatches ?? 0} rows differ from the ledger`}
            </p>
          ) : null}
          <p className={data.ledger.integration.alarm ? "font-semibold text-red-700" : ""}>
            Integration: {data.ledger.integration.pending} waiting
            {data.ledger.integration.pending
              ? `, oldest ${Math.round(data.ledger.integration.lagSeconds)} s`
              : ""}
            {data.ledger.integration.quarantined
              ? `, ${data.ledger.integration.quarantined} QUARANTINED`
              : ""}
          </p>
          <Link href="/ledger" className="text-sky-700 hover:underline">
            Open the ledger
          </Link>
        </div>
      </div>
      {detectors.length ? (
        <p className="text-sm text-slate-600">
          Open findings by detector:{" "}
          {detectors.map((d, i) => (
            <span key={d}>
              {i ? ", " : ""}
              <Link className="text-sky-700 hover:underline" href={`/compliance/findings?detector=${d}`}>
                {d.replaceAll("_", " ")} (
                {data.openFindings.filter((f) => f.detector === d).reduce((a, f) => a + f.n, 0)})
              </Link>
            </span>
          ))}
        </p>
      ) : null}
    </section>
  );
}

function People({
  title,
  people,
  href,
}: {
  title: string;
  people: { user_id: string; name: string; n: number }[];
  href: (id: string) => string;
}) {
  return (
    <div className="rounded-md border border-slate-200 bg-white p-3 text-sm">
      <h3 className="font-semibold">{title}</h3>
      {people.length === 0 ? <p className="text-slate-500">Nobody in this period.</p> : null}
      <ol className="mt-1 space-y-0.5">
        {people.map((p) => (
          <li key={p.user_id} className="flex justify-between">
            <span>{p.name}</span>
            <Link href={href(p.user_id)} className="tabular-nums text-sky-700 hover:underline">
              {p.n}
            </Link>
          </li>
        ))}
      </ol>
    </div>
  );
}
