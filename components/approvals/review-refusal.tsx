"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTRPC } from "@/components/trpc/client";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function ReviewRefusal() {
  const trpc = useTRPC();
  const requestId = usePathname().split("/").pop() ?? "";
  const refusal = useQuery({
    ...trpc.requests.refusal.queryOptions({ requestId }),
    enabled: UUID.test(requestId),
    retry: false,
  });
  const r = refusal.data;
  return (
    <div
      className="mx-auto mt-10 max-w-lg rounded-lg border border-slate-200 bg-white p-6"
      role="region"
      aria-label="Not available"
    >
      {r ? (
        <>
          <h1 className="text-lg font-semibold">You cannot decide this request</h1>
          <p className="mt-2 text-slate-700">
            {r.actionTitle}: {r.reason}.
          </p>
          {r.whoCanDecide.length ? (
            <p className="mt-2 text-slate-700">
              Approvers who can decide it: <span className="font-medium">{r.whoCanDecide.join(", ")}</span>.
            </p>
          ) : (
            <p className="mt-2 text-slate-700">
              Nobody can decide it at the moment; ask an admin about the policy.
            </p>
          )}
          <p className="mt-2 text-sm text-slate-500">
            The case and the request&apos;s details stay with those who may see them.
          </p>
        </>
      ) : (
        <>
          <h1 className="text-lg font-semibold">Page not found</h1>
          <p className="mt-2 text-slate-600">This request does not exist, or it is not routed to you.</p>
        </>
      )}
      <Link href="/approvals" className="mt-4 inline-block font-medium text-sky-700 underline">
        Back to your queue
      </Link>
    </div>
  );
}
