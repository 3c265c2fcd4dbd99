"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import type { RouterOutputs } from "@/server/trpc/routers/_app";

type VerifyEvent = RouterOutputs["ledger"]["verify"] extends AsyncIterable<infer E> ? E : never;

export function LedgerStatus() {
  const trpc = useTRPC();
  const { data: checkpoint } = useSuspenseQuery(trpc.ledger.latestCheckpoint.queryOptions());
  // Events are kept here: the subscription's own `data` is cleared when the stream ends.
  const [event, setEvent] = useState<VerifyEvent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  useSubscription(
    trpc.ledger.verify.subscriptionOptions(undefined, {
      enabled: running,
      onData: (next) => {
        setEvent(next);
        if (next.kind === "done") setRunning(false);
      },
      onError: (e) => {
        setError(e.message);
        setRunning(false);
      },
    }),
  );
  const start = () => {
    setEvent(null);
    setError(null);
    setRunning(true);
  };

  return (
    <section className="mt-6 grid gap-4 lg:grid-cols-2">
      <div className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Latest signed checkpoint</h2>
        {checkpoint ? (
          <>
            <dl className="mt-2 grid grid-cols-[8rem_1fr] gap-y-1">
              <dt className="text-slate-500">Entries</dt>
              <dd data-testid="checkpoint-size">{checkpoint.size}</dd>
              <dt className="text-slate-500">Root</dt>
              <dd className="truncate font-mono text-xs">{checkpoint.root}</dd>
              <dt className="text-slate-500">Signed</dt>
              <dd>{checkpoint.createdAt.toLocaleString()}</dd>
            </dl>
            <pre className="mt-3 overflow-x-auto rounded bg-slate-50 p-2 text-xs">{checkpoint.note}</pre>
          </>
        ) : (
          <p className="mt-2 text-slate-600">No checkpoint yet: the ledger is empty.</p>
        )}
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Whole-ledger verification</h2>
        <p className="mt-1 text-slate-600">
          Recomputes every leaf and root from the stored entries and checks them against every signed
          checkpoint.
        </p>
        <Button className="mt-3" disabled={running} onClick={start}>
          {running ? "Verifying…" : "Verify the whole ledger"}
        </Button>
        {event?.kind === "progress" ? (
          <div className="mt-3" aria-live="polite">
            <progress className="w-full" max={Math.max(event.total, 1)} value={event.checked} />
            <p className="text-xs text-slate-500">
              {event.checked} of {event.total} entries checked
            </p>
          </div>
        ) : null}
        {event?.kind === "done" ? (
          <div
            role="status"
            className={`mt-3 rounded-md border px-3 py-2 ${
              event.report.ok
                ? "border-emerald-200 bg-emerald-50 text-emerald-900"
                : "border-red-200 bg-red-50 text-red-900"
            }`}
          >
            <p className="font-medium">
              {event.report.ok
                ? `Verified: ${event.report.entries} entries, ${event.report.checkpointsChecked} checkpoints`
                : `Verification failed at entry ${event.report.firstBadSeq ?? "—"}`}
            </p>
            {event.report.problems.map((p, i) => (
              <p key={i} className="text-xs">
                {p.message}
              </p>
            ))}
            {event.report.caveats.map((c, i) => (
              <p key={`caveat-${i}`} className="text-xs text-slate-700">
                Not covered: {c}
              </p>
            ))}
          </div>
        ) : null}
        {error ? (
          <p role="alert" className="mt-3 text-red-700">
            {error}
          </p>
        ) : null}
      </div>
    </section>
  );
}
