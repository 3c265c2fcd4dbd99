"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { SeverityBadge } from "@/components/ui/badges";
import { useTRPC } from "@/components/trpc/client";
import { formatUtc } from "@/components/cases/format";
import { RiskBadge } from "./badges";
import { useEscalations } from "./escalation-note";
import { useLiveRequests } from "./use-live";

/** Pending requests this approver may decide, most urgent first; new ones appear without reload. */
export function ApprovalQueue() {
  const trpc = useTRPC();
  useLiveRequests();
  const { data } = useSuspenseQuery(trpc.requests.queue.queryOptions());
  const queue = data.items;
  const escalation = useEscalations(queue.map((r) => r.id));
  if (queue.length === 0) return <p className="mt-4 text-slate-500">Nothing waits for your decision.</p>;
  return (
    <>
      {data.total > queue.length ? (
        <p className="mt-4 text-sm text-amber-800">
          Showing the {queue.length} most urgent of {data.total} requests waiting for you.
        </p>
      ) : null}
      {/* One row per request; below the medium breakpoint each row is a card with labelled lines. */}
      <table className="mt-4 block w-full text-sm md:table" aria-label="Approval queue">
        <thead className="hidden text-left text-xs text-slate-500 md:table-header-group">
          <tr>
            <th className="py-2">Case</th>
            <th>Action</th>
            <th>Requester</th>
            <th>Asked</th>
            <th>Expires</th>
            <th>Policy</th>
          </tr>
        </thead>
        <tbody className="block space-y-3 md:table-row-group md:space-y-0 md:divide-y md:divide-slate-100">
          {queue.map((r) => (
            <tr
              key={r.id}
              data-testid="queue-item"
              className="block rounded-md border border-slate-200 bg-white p-3 md:table-row md:rounded-none md:border-0 md:bg-transparent md:p-0"
            >
              <td className="block md:table-cell md:py-2 md:pr-2">
                <SeverityBadge severity={r.severity} /> <span className="font-mono text-xs">{r.caseKey}</span>
                <div className="text-slate-600">{r.caseTitle}</div>
              </td>
              <td className="mt-1 block md:mt-0 md:table-cell md:pr-2">
                <Link
                  href={`/approvals/${r.id}`}
                  className="inline-block py-1 font-medium text-sky-700 underline-offset-2 hover:underline md:py-0"
                >
                  {r.actionTitle}
                </Link>{" "}
                <RiskBadge tier={r.riskTier} />
              </td>
              <td className="block md:table-cell md:pr-2">
                <span className="text-xs text-slate-500 md:hidden">Requester </span>
                {r.requesterName}
              </td>
              <td className="block text-xs md:table-cell md:pr-2">
                <span className="text-slate-500 md:hidden">Asked </span>
                {formatUtc(r.createdAt)}
              </td>
              <td className="block text-xs md:table-cell md:pr-2">
                <span className="text-slate-500 md:hidden">Expires </span>
                {formatUtc(r.expiresAt)}
                {escalation(r.id)}
              </td>
              <td className="block text-xs text-slate-600 md:table-cell">{r.progress}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
