"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";

const MAIL: Record<string, string> = {
  pending: "mail waiting to be sent",
  sent: "mailed",
  failed: "mail failed",
  digest: "in your next digest",
  digested: "sent in a digest",
  none: "not mailed",
};

export function NotificationList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useSuspenseQuery(trpc.notifications.list.queryOptions());
  const read = useMutation(
    trpc.notifications.markRead.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.notifications.pathFilter()),
    }),
  );
  return (
    <section className="mt-6 space-y-3" aria-label="Your notifications">
      <div className="flex items-center justify-between">
        <h2 className="text-sm font-semibold">{data.unread > 0 ? `${data.unread} unread` : "All read"}</h2>
        {data.unread > 0 ? (
          <Button type="button" variant="secondary" onClick={() => read.mutate({ ids: "all" })}>
            Mark all read
          </Button>
        ) : null}
      </div>
      <FormError error={read.error} />
      {data.items.length === 0 ? <p className="text-sm text-slate-500">Nothing yet.</p> : null}
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200 bg-white">
        {data.items.map((n) => (
          <li key={n.id} data-testid="notification" className="flex flex-wrap items-start gap-3 p-3 text-sm">
            <span
              aria-label={n.readAt ? "read" : "unread"}
              className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${n.readAt ? "bg-slate-200" : "bg-sky-600"}`}
            />
            <div className="min-w-0 flex-1">
              <Link
                href={n.path}
                onClick={() => (n.readAt ? undefined : read.mutate({ ids: [n.id] }))}
                className="font-medium text-sky-800 hover:underline"
              >
                {n.subject}
              </Link>
              <p className="mt-0.5 whitespace-pre-line text-xs text-slate-600">{n.body}</p>
            </div>
            <div className="text-right text-xs text-slate-500">
              <p>{formatUtc(n.createdAt)}</p>
              <p title={n.emailLastError ?? undefined}>{MAIL[n.emailState] ?? n.emailState}</p>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
