"use client";

import { useQuery } from "@tanstack/react-query";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";

/** Warns when no process runs the background work (ledger integration, outbox, sweeps). */
export function WorkerStatus() {
  const trpc = useTRPC();
  const { data } = useQuery({ ...trpc.admin.workers.queryOptions(), refetchInterval: 30_000 });
  if (!data) return null;
  if (!data.silent) {
    return (
      <p className="mt-4 text-sm text-slate-600" aria-label="Background work">
        Background work: {data.alive.map((w) => `${w.host} (pid ${w.pid})`).join(", ")}.
      </p>
    );
  }
  return (
    <div role="alert" className="mt-4 rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900">
      <strong>No background worker has been seen for a minute</strong>
      {data.lastSeenAt ? ` (last seen ${formatUtc(data.lastSeenAt)})` : ""}. Ledger entries are not being
      sequenced or signed, webhooks are not delivered and requests do not expire until one runs: start the
      server with `npm start` or a separate `npm run worker`.
    </div>
  );
}
