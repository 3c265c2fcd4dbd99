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
      <table className="mt-4 w-full text-sm" aria-label="Approval queue">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-2">Case</th>
            <th>Action</th>
            <th>Requester</th>
            <th>Asked</th>
            <th>Expires</th>
            <th>Policy</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {queue.map((r) => (
            <tr key={r.id} data-testid="queue-item">
              <td className="py-2 pr-2">
                <SeverityBadge severity={r.severity} /> <span className="font-mono text-xs">{r.caseKey}</span>
                <div className="text-slate-600">{r.caseTitle}</div>
              </td>
              <td className="pr-2">
                <Link href={`/approvals/${r.id}`} className="font-medium text-sky-700 hover:underline">
                  {r.actionTitle}
                </Link>{" "}
                <RiskBadge tier={r.riskTier} />
              </td>
              <td className="pr-2">{r.requesterName}</td>
              <td className="pr-2 text-xs">{formatUtc(r.createdAt)}</td>
              <td className="pr-2 text-xs">
                {formatUtc(r.expiresAt)}
                {escalation(r.id)}
              </td>
              <td className="text-xs text-slate-600">{r.progress}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
