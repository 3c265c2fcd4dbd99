"use client";

import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Pill } from "@/components/ui/badges";
import { Button } from "@/components/ui/button";
import { Field, FormError, inputClass } from "@/components/ui/field";
import { AccessRequests } from "./access-requests";
import { formatUtc } from "./format";

type Access = "read" | "write";

export function MembersPanel({ caseId, isLead }: { caseId: string; isLead: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: members } = useSuspenseQuery(trpc.cases.members.list.queryOptions({ caseId }));
  const candidates = useQuery({ ...trpc.cases.members.candidates.queryOptions({ caseId }), enabled: isLead });
  const refresh = () => queryClient.invalidateQueries(trpc.cases.members.pathFilter());
  const add = useMutation(trpc.cases.members.add.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.cases.members.remove.mutationOptions({ onSuccess: refresh }));
  const [userId, setUserId] = useState("");
  const [access, setAccess] = useState<Access>("write");

  return (
    <section className="space-y-3">
      <p className="text-slate-600">Only members see this case. Compliance reviewers can read every case.</p>
      {isLead ? <AccessRequests caseId={caseId} /> : null}
      <FormError error={add.error ?? remove.error} />
      {isLead ? (
        <form
          aria-label="Add member"
          className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (userId) add.mutate({ caseId, userId, access }, { onSuccess: () => setUserId("") });
          }}
        >
          <Field label="Investigator">
            <select className={inputClass} value={userId} onChange={(e) => setUserId(e.target.value)}>
              <option value="">Choose…</option>
              {(candidates.data ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Access">
            <select
              className={inputClass}
              value={access}
              onChange={(e) => setAccess(e.target.value as Access)}
            >
              <option value="write">write</option>
              <option value="read">read</option>
            </select>
          </Field>
          <Button type="submit" disabled={!userId || add.isPending}>
            Add member
          </Button>
        </form>
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2 font-medium">Name</th>
              <th className="px-3 py-2 font-medium">Email</th>
              <th className="px-3 py-2 font-medium">Access</th>
              <th className="px-3 py-2 font-medium">Added</th>
              <th className="px-3 py-2" />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {members.map((m) => (
              <tr key={m.userId}>
                <td className="px-3 py-2 font-medium">
                  {m.name} {m.isLead ? <Pill className="ml-1 bg-slate-900 text-white">Lead</Pill> : null}
                </td>
                <td className="px-3 py-2 text-slate-600">{m.email}</td>
                <td className="px-3 py-2">
                  {isLead && !m.isLead ? (
                    <select
                      aria-label={`Access of ${m.name}`}
                      className={`${inputClass} w-auto`}
                      value={m.access}
                      disabled={add.isPending}
                      onChange={(e) =>
                        add.mutate({ caseId, userId: m.userId, access: e.target.value as Access })
                      }
                    >
                      <option value="write">write</option>
                      <option value="read">read</option>
                    </select>
                  ) : (
                    <Pill>{m.access}</Pill>
                  )}
                </td>
                <td className="px-3 py-2 font-mono text-xs text-slate-500">{formatUtc(m.addedAt)}</td>
                <td className="px-3 py-2 text-right">
                  {isLead && !m.isLead ? (
                    <Button
                      variant="danger"
                      className="py-0.5 text-xs"
                      disabled={remove.isPending}
                      onClick={() => remove.mutate({ caseId, userId: m.userId })}
                    >
                      Remove
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
