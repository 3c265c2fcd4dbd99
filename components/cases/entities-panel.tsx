"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ENTITY_KIND_LABELS, type EntityKind } from "@/server/shared/constants";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import { formatUtc } from "./format";

type Kind = EntityKind;
type Role = "suspect" | "victim" | "affected";
const ROLES: Role[] = ["suspect", "victim", "affected"];

export function EntitiesPanel({
  caseId,
  caseKey,
  canWrite,
}: {
  caseId: string;
  caseKey: string;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: entities } = useSuspenseQuery(trpc.cases.entities.list.queryOptions({ caseId }));
  const refresh = () => queryClient.invalidateQueries(trpc.cases.pathFilter());
  const update = useMutation(trpc.cases.entities.update.mutationOptions({ onSuccess: refresh }));

  return (
    <section className="space-y-4">
      {canWrite ? <AddEntityForm caseId={caseId} /> : null}
      <FormError error={update.error} />
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2 font-medium">Kind</th>
              <th className="px-3 py-2 font-medium">Value</th>
              <th className="px-3 py-2 font-medium">Role</th>
              <th className="px-3 py-2 font-medium">First seen</th>
              <th className="px-3 py-2 font-medium">Last seen</th>
              <th className="px-3 py-2 text-right font-medium">Events</th>
              <th className="px-3 py-2 font-medium">Notes</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {entities.map((e) => (
              <tr key={e.id} className="hover:bg-slate-50">
                <td className="px-3 py-2 text-slate-600">{ENTITY_KIND_LABELS[e.kind]}</td>
                <td className="px-3 py-2 font-mono">
                  <Link
                    className="text-sky-700 hover:underline"
                    href={`/cases/${caseKey}?tab=timeline&entity=${e.id}`}
                  >
                    {e.value}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  {canWrite ? (
                    <select
                      aria-label={`Role of ${e.value}`}
                      className={`${inputClass} w-auto`}
                      value={e.role}
                      disabled={update.isPending}
                      onChange={(ev) =>
                        update.mutate({ caseId, entityId: e.id, role: ev.target.value as Role })
                      }
                    >
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  ) : (
                    e.role
                  )}
                </td>
                <td className="px-3 py-2 font-mono text-xs">{e.firstSeen ? formatUtc(e.firstSeen) : "—"}</td>
                <td className="px-3 py-2 font-mono text-xs">{e.lastSeen ? formatUtc(e.lastSeen) : "—"}</td>
                <td className="px-3 py-2 text-right tabular-nums">{e.events}</td>
                <td className="px-3 py-2 text-slate-600">{e.notes || "—"}</td>
              </tr>
            ))}
            {entities.length === 0 ? (
              <tr>
                <td colSpan={7} className="px-3 py-6 text-center text-slate-500">
                  No entities yet. Add suspects here or link them while adding timeline events.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function AddEntityForm({ caseId }: { caseId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>("ip");
  const [value, setValue] = useState("");
  const [role, setRole] = useState<Role>("suspect");
  const [notes, setNotes] = useState("");
  const add = useMutation(
    trpc.cases.entities.add.mutationOptions({
      onSuccess: async () => {
        setValue("");
        setNotes("");
        await queryClient.invalidateQueries(trpc.cases.pathFilter());
      },
    }),
  );
  return (
    <form
      aria-label="Add entity"
      className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate({ caseId, kind, value, role, notes });
      }}
    >
      <Field label="Kind">
        <select className={inputClass} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {(Object.keys(ENTITY_KIND_LABELS) as Kind[]).map((k) => (
            <option key={k} value={k}>
              {ENTITY_KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Value" error={fieldError(add.error, "value")} className="w-72">
        <input className={inputClass} required value={value} onChange={(e) => setValue(e.target.value)} />
      </Field>
      <Field label="Role">
        <select className={inputClass} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <Field label="Notes" className="w-72">
        <input className={inputClass} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </Field>
      <Button type="submit" disabled={add.isPending}>
        Add entity
      </Button>
      {add.error && !fieldError(add.error, "value") ? (
        <div className="w-full">
          <FormError error={add.error} />
        </div>
      ) : null}
    </form>
  );
}
