"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";

/** Chat accounts acting as this person, and the one-time confirmation a chat link asks for. */
export function ChatLinks({ code }: { code: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: links } = useSuspenseQuery(trpc.notifications.chatLinks.queryOptions());
  const [pending, setPending] = useState(code);
  const done = () => queryClient.invalidateQueries(trpc.notifications.pathFilter());
  const confirm = useMutation(
    trpc.notifications.confirmChatLink.mutationOptions({
      onSuccess: () => {
        setPending(null);
        return done();
      },
    }),
  );
  const remove = useMutation(trpc.notifications.removeChatLink.mutationOptions({ onSuccess: done }));
  return (
    <section
      className="mt-4 rounded-md border border-slate-200 bg-white p-4 text-sm"
      aria-label="Chat accounts"
    >
      <h2 className="font-semibold">Chat approval</h2>
      {pending ? (
        <div className="mt-2 rounded border border-amber-300 bg-amber-50 p-3">
          <p>
            A chat account asked to act as you. Confirm only if you pressed the button in chat yourself: it
            will then approve and deny low- and medium-risk requests in your name.
          </p>
          <FormError error={confirm.error} />
          <div className="mt-2 flex gap-2">
            <Button
              type="button"
              onClick={() => confirm.mutate({ code: pending })}
              disabled={confirm.isPending}
            >
              Confirm it is me
            </Button>
            <Button type="button" variant="secondary" onClick={() => setPending(null)}>
              Not me
            </Button>
          </div>
        </div>
      ) : null}
      {links.length === 0 ? (
        <p className="mt-2 text-slate-500">No chat account is linked to you.</p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-100">
          {links.map((l) => (
            <li key={l.id} className="flex items-center justify-between py-2">
              <span>
                {l.chatUserName} <span className="text-xs text-slate-500">({l.teamId})</span>
              </span>
              <Button type="button" variant="secondary" onClick={() => remove.mutate({ linkId: l.id })}>
                Unlink
              </Button>
            </li>
          ))}
        </ul>
      )}
      <FormError error={remove.error} />
    </section>
  );
}
