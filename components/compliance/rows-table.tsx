"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RequestStatusBadge } from "@/components/approvals/badges";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import type { RouterInputs } from "@/server/trpc/routers/_app";

/** The requests behind one dashboard number. */
export function RowsTable({ input }: { input: RouterInputs["compliance"]["rows"] }) {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.compliance.rows.queryOptions(input));
  return (
    <section aria-label="Rows" className="mt-4 overflow-x-auto rounded-md border border-slate-200 bg-white">
      <p className="px-3 py-2 text-sm text-slate-600">
        {data.length === 500 ? "The 500 most recent" : `${data.length} request(s)`}
      </p>
      <table className="min-w-full text-left text-sm">
        <thead className="text-xs text-slate-600">
          <tr>
            {["Created", "Case", "Action", "Requester", "Status", "Decisions", "Grant used"].map((h) => (
              <th key={h} scope="col" className="px-3 py-1">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.map((r) => (
            <tr key={r.id} className="border-t border-slate-100" data-testid="row">
              <td className="px-3 py-1 whitespace-nowrap">{formatUtc(new Date(r.created_at))}</td>
              <td className="px-3 py-1">
                <Link className="text-sky-700 hover:underline" href={`/cases/${r.case_key}?tab=actions`}>
                  {r.case_key}
                </Link>
              </td>
              <td className="px-3 py-1 font-mono text-xs">{r.action_key}</td>
              <td className="px-3 py-1">{r.requester}</td>
              <td className="px-3 py-1">
                <RequestStatusBadge status={r.status} />
                {r.break_glass ? (
                  <span className="ml-1 text-xs font-bold text-red-700">BREAK-GLASS</span>
                ) : null}
              </td>
              <td className="px-3 py-1">{r.approvers ?? "—"}</td>
              <td className="px-3 py-1">{r.max_uses === null ? "—" : `${r.uses} of ${r.max_uses}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
