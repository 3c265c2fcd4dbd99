"use client";

import { useInfiniteQuery, useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { formatUtc } from "@/components/cases/format";
import { type LedgerMatch, LedgerMatchMark, useLedgerMatches } from "@/components/ledger/ledger-match";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { ENTITY_KIND_LABELS, type EntityKind } from "@/server/shared/constants";
import type { RouterOutputs } from "@/server/trpc/routers/_app";
import { AddEventForm } from "./add-event-form";
import { EntityChip } from "./entity-chip";
import { ImportForm } from "./import-form";

type TimelineEvent = RouterOutputs["cases"]["timeline"]["list"]["events"][number];
type Kind = EntityKind;
const SOURCES = ["manual", "import", "action", "system"] as const;

/** `datetime-local` values are read as UTC: the timeline is in UTC throughout. */
const utc = (value: string) => (value ? new Date(`${value}Z`) : undefined);

export function TimelineView({
  caseId,
  caseKey,
  canWrite,
  entityId,
}: {
  caseId: string;
  caseKey: string;
  canWrite: boolean;
  entityId: string | null;
}) {
  const trpc = useTRPC();
  const { data: entities } = useSuspenseQuery(trpc.cases.entities.list.queryOptions({ caseId }));
  const [kind, setKind] = useState<Kind | "">("");
  const [source, setSource] = useState<(typeof SOURCES)[number] | "">("");
  const [starred, setStarred] = useState(false);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search.trim());
  const [panel, setPanel] = useState<"add" | "import" | null>(null);
  const entity = entities.find((e) => e.id === entityId) ?? null;

  const input = {
    caseId,
    entityId: entity?.id,
    entityKind: kind || undefined,
    source: source || undefined,
    starred: starred || undefined,
    from: utc(from),
    to: utc(to),
    q: q || undefined,
    limit: 50,
  };
  const events = useInfiniteQuery(
    trpc.cases.timeline.list.infiniteQueryOptions(input, { getNextPageParam: (page) => page.nextCursor }),
  );
  const rows = events.data?.pages.flatMap((p) => p.events) ?? [];
  const days = groupByDay(rows);
  const matches = useLedgerMatches(
    caseId,
    "event",
    rows.map((r) => r.id),
  );

  return (
    <section>
      {entity ? (
        <div className="mb-3 flex items-center justify-between rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm">
          <span>
            Events involving {ENTITY_KIND_LABELS[entity.kind].toLowerCase()}{" "}
            <span className="font-mono font-medium">{entity.value}</span> ({entity.role}
            {entity.firstSeen ? `, first seen ${formatUtc(entity.firstSeen)}` : ""}
            {entity.lastSeen ? `, last seen ${formatUtc(entity.lastSeen)}` : ""})
          </span>
          <Link className="text-sky-700 hover:underline" href={`/cases/${caseKey}?tab=timeline`}>
            Show all events
          </Link>
        </div>
      ) : null}
      <form
        className="flex flex-wrap items-end gap-3 rounded-t-lg border border-slate-200 bg-white p-3"
        onSubmit={(e) => e.preventDefault()}
        aria-label="Timeline filters"
      >
        <Field label="Search" className="w-56">
          <input
            type="search"
            className={inputClass}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Words in title or description"
          />
        </Field>
        <Field label="Entity kind">
          <select className={inputClass} value={kind} onChange={(e) => setKind(e.target.value as Kind | "")}>
            <option value="">Any kind</option>
            {(Object.keys(ENTITY_KIND_LABELS) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {ENTITY_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Source">
          <select
            className={inputClass}
            value={source}
            onChange={(e) => setSource(e.target.value as (typeof SOURCES)[number] | "")}
          >
            <option value="">Any source</option>
            {SOURCES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="From (UTC)">
          <input
            type="datetime-local"
            className={inputClass}
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
        </Field>
        <Field label="To (UTC)">
          <input
            type="datetime-local"
            className={inputClass}
            value={to}
            onChange={(e) => setTo(e.target.value)}
          />
        </Field>
        <label className="flex items-center gap-2 pb-1 text-sm">
          <input type="checkbox" checked={starred} onChange={(e) => setStarred(e.target.checked)} />
          Starred only
        </label>
        {canWrite ? (
          <div className="ml-auto flex gap-2">
            <Button type="button" onClick={() => setPanel(panel === "add" ? null : "add")}>
              Add event
            </Button>
            <Button
              type="button"
              variant="secondary"
              onClick={() => setPanel(panel === "import" ? null : "import")}
            >
              Import events
            </Button>
          </div>
        ) : null}
      </form>
      {panel === "add" ? (
        <AddEventForm caseId={caseId} entities={entities} onDone={() => setPanel(null)} />
      ) : null}
      {panel === "import" ? <ImportForm caseId={caseId} /> : null}
      <div className="rounded-b-lg border border-t-0 border-slate-200 bg-white">
        {events.error ? (
          <p role="alert" className="p-3 text-red-700">
            {events.error.message}
          </p>
        ) : null}
        {days.map(([day, dayEvents]) => (
          <section key={day} aria-label={day}>
            <h3 className="sticky top-0 border-b border-slate-200 bg-slate-50 px-3 py-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
              {day}
            </h3>
            <ol className="divide-y divide-slate-100">
              {dayEvents.map((event) => (
                <EventRow
                  key={event.id}
                  event={event}
                  match={matches.get(event.id)}
                  caseId={caseId}
                  caseKey={caseKey}
                  canWrite={canWrite}
                />
              ))}
            </ol>
          </section>
        ))}
        {!events.isPending && rows.length === 0 ? (
          <p className="px-3 py-8 text-center text-slate-500">No events match these filters.</p>
        ) : null}
        {events.hasNextPage ? (
          <div className="border-t border-slate-200 p-3 text-center">
            <Button
              variant="secondary"
              disabled={events.isFetchingNextPage}
              onClick={() => void events.fetchNextPage()}
            >
              {events.isFetchingNextPage ? "Loading…" : "Load later events"}
            </Button>
          </div>
        ) : null}
      </div>
    </section>
  );
}

function groupByDay(events: TimelineEvent[]): [string, TimelineEvent[]][] {
  const days = new Map<string, TimelineEvent[]>();
  for (const event of events) {
    const day = event.occurredAt.toLocaleDateString("en-GB", {
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    });
    days.set(day, [...(days.get(day) ?? []), event]);
  }
  return [...days.entries()];
}

function EventRow({
  event,
  match,
  caseId,
  caseKey,
  canWrite,
}: {
  event: TimelineEvent;
  match: LedgerMatch | undefined;
  caseId: string;
  caseKey: string;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const star = useMutation(
    trpc.cases.timeline.star.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.cases.timeline.pathFilter()),
    }),
  );
  return (
    <li className="flex gap-3 px-3 py-2" data-testid="timeline-event">
      <time
        dateTime={event.occurredAt.toISOString()}
        className="w-20 shrink-0 pt-0.5 font-mono text-xs text-slate-500"
      >
        {event.occurredAt.toISOString().slice(11, 19)}
      </time>
      <button
        type="button"
        disabled={!canWrite || star.isPending}
        aria-label={event.starred ? "Unstar event" : "Star event"}
        aria-pressed={event.starred}
        onClick={() => star.mutate({ caseId, eventId: event.id, starred: !event.starred })}
        className={`h-5 shrink-0 text-base leading-none ${event.starred ? "text-amber-500" : "text-slate-300"} ${
          canWrite ? "hover:text-amber-400" : "cursor-default"
        }`}
      >
        {event.starred ? "★" : "☆"}
      </button>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium">{event.title}</span>
          <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600">{event.source}</span>
          {event.category ? <span className="text-xs text-slate-500">{event.category}</span> : null}
          {event.attackTechnique ? (
            <span className="rounded bg-indigo-50 px-1.5 font-mono text-xs text-indigo-800">
              {event.attackTechnique}
            </span>
          ) : null}
        </div>
        {event.description ? (
          <p className="mt-0.5 whitespace-pre-wrap text-slate-700">{event.description}</p>
        ) : null}
        {event.entities.length ? (
          <div className="mt-1 flex flex-wrap gap-1">
            {event.entities.map((e) => (
              <EntityChip
                key={`${e.id}:${e.relation}`}
                entity={e}
                href={`/cases/${caseKey}?tab=timeline&entity=${e.id}`}
              />
            ))}
          </div>
        ) : null}
        <p className="mt-0.5 text-xs text-slate-400">
          {event.authorName} · recorded {formatUtc(event.recordedAt)} <LedgerMatchMark match={match} />
          {canWrite ? (
            <>
              {" · "}
              <Link
                href={`/cases/${caseKey}?tab=actions&trigger=${event.id}`}
                className="text-sky-700 hover:underline"
                aria-label={`Request an action triggered by: ${event.title}`}
              >
                Request an action
              </Link>
            </>
          ) : null}
        </p>
        {event.raw ? (
          <details className="mt-1 text-xs">
            <summary className="cursor-pointer text-slate-500">Raw record</summary>
            <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-2">
              {JSON.stringify(event.raw, null, 2)}
            </pre>
          </details>
        ) : null}
      </div>
    </li>
  );
}
