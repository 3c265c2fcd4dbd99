"use client";

import { useInfiniteQuery, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";

type Filters = { type: string; actorId: string; caseKey: string; from: string; to: string };
const EMPTY: Filters = { type: "", actorId: "", caseKey: "", from: "", to: "" };

const field = "rounded-md border border-slate-300 bg-white px-2 py-1";

export function EntryTable() {
  const trpc = useTRPC();
  const { data: types } = useSuspenseQuery(trpc.ledger.types.queryOptions());
  const { data: actors } = useSuspenseQuery(trpc.ledger.actors.queryOptions());
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const input = {
    type: filters.type || undefined,
    actorId: filters.actorId || undefined,
    caseKey: filters.caseKey.trim() || undefined,
    from: filters.from ? new Date(filters.from) : undefined,
    to: filters.to ? new Date(filters.to) : undefined,
    limit: 50,
  };
  const entries = useInfiniteQuery(
    trpc.ledger.entries.infiniteQueryOptions(input, { getNextPageParam: (page) => page.nextCursor }),
  );
  const set = (key: keyof Filters) => (e: { target: { value: string } }) =>
    setFilters((f) => ({ ...f, [key]: e.target.value }));
  const rows = entries.data?.pages.flatMap((p) => p.entries) ?? [];

  return (
    <section className="mt-6 rounded-lg border border-slate-200 bg-white">
      <form
        className="flex flex-wrap items-end gap-3 border-b border-slate-200 p-3"
        onSubmit={(e) => e.preventDefault()}
      >
        <Field label="Type">
          <select className={field} value={filters.type} onChange={set("type")}>
            <option value="">All types</option>
            {types.map((t) => (
              <option key={t.type} value={t.type}>
                {t.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Actor">
          <select className={field} value={filters.actorId} onChange={set("actorId")}>
            <option value="">Anyone</option>
            {actors.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Case">
          <input
            className={field}
            value={filters.caseKey}
            onChange={set("caseKey")}
            placeholder="CASE-2026-0042"
          />
        </Field>
        <Field label="From">
          <input className={field} type="datetime-local" value={filters.from} onChange={set("from")} />
        </Field>
        <Field label="To">
          <input className={field} type="datetime-local" value={filters.to} onChange={set("to")} />
        </Field>
        <Button type="button" variant="secondary" onClick={() => setFilters(EMPTY)}>
          Clear
        </Button>
      </form>
      {entries.error ? (
        <p role="alert" className="p-3 text-red-700">
          {entries.error.message}
        </p>
      ) : null}
      <table className="w-full text-left">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-3 py-2 font-medium">#</th>
            <th className="px-3 py-2 font-medium">Time (UTC)</th>
            <th className="px-3 py-2 font-medium">Event</th>
            <th className="px-3 py-2 font-medium">Case</th>
            <th className="px-3 py-2 font-medium">Actor</th>
            <th className="px-3 py-2 font-medium">Leaf hash</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((entry) => (
            <tr key={entry.seq} className="hover:bg-slate-50">
              <td className="px-3 py-1.5 font-mono">
                <Link className="text-sky-700 hover:underline" href={`/ledger/${entry.seq}`}>
                  {entry.seq}
                </Link>
              </td>
              <td className="px-3 py-1.5 font-mono text-xs">{entry.at?.replace("T", " ").slice(0, 19)}</td>
              <td className="px-3 py-1.5">
                {entry.label}
                {entry.type && entry.type !== entry.label ? (
                  <span className="ml-2 font-mono text-xs text-slate-500">{entry.type}</span>
                ) : null}
              </td>
              <td className="px-3 py-1.5 font-mono text-xs">{entry.caseKey ?? "—"}</td>
              <td className="px-3 py-1.5">{entry.actorName ?? "—"}</td>
              <td className="px-3 py-1.5 font-mono text-xs text-slate-500">{entry.leafHash.slice(0, 16)}…</td>
            </tr>
          ))}
          {!entries.isPending && rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="px-3 py-6 text-center text-slate-500">
                No entries match these filters.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {entries.hasNextPage ? (
        <div className="border-t border-slate-200 p-3 text-center">
          <Button
            variant="secondary"
            disabled={entries.isFetchingNextPage}
            onClick={() => void entries.fetchNextPage()}
          >
            {entries.isFetchingNextPage ? "Loading…" : "Load older entries"}
          </Button>
        </div>
      ) : null}
    </section>
  );
}
