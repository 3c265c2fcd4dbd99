"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Pill } from "@/components/ui/badges";
import { ProgressBar } from "./progress-bar";

/** Campaigns, newest first, each with its progress. */
export function CampaignList() {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.campaigns.list.queryOptions());
  if (data.length === 0)
    return <p className="mt-4 text-slate-500">No review campaign has been opened yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="mt-4 w-full text-sm" aria-label="Review campaigns">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-2">Campaign</th>
            <th>Period (UTC)</th>
            <th>Progress</th>
            <th>Inappropriate</th>
            <th>Opened by</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {data.map((c) => (
            <tr key={c.id} data-testid="campaign-row">
              <td className="py-2 pr-2">
                <Link
                  href={`/compliance/campaigns/${c.id}`}
                  className="font-medium text-sky-700 hover:underline"
                >
                  {c.title}
                </Link>
              </td>
              <td className="pr-2 text-xs">
                {formatUtc(c.periodStart)} – {formatUtc(c.periodEnd)}
              </td>
              <td className="pr-2">
                <ProgressBar attested={c.attested} total={c.total} />
              </td>
              <td className="pr-2">{c.inappropriate}</td>
              <td className="pr-2">{c.createdByName}</td>
              <td>
                {c.closedAt ? (
                  <Pill>closed {formatUtc(c.closedAt)}</Pill>
                ) : (
                  <Pill className="bg-sky-100 text-sky-800">open</Pill>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
