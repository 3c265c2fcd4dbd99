"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import type { RouterInputs, RouterOutputs } from "@/server/trpc/routers/_app";
import { ENTITY_KIND_LABELS, type EntityKind } from "@/server/shared/constants";

type Entity = RouterOutputs["cases"]["entities"]["list"][number];
type EntityRef = NonNullable<RouterInputs["cases"]["timeline"]["add"]["entities"]>[number];
type Kind = EntityKind;
type Relation = "actor" | "target" | "observed";
type Role = "suspect" | "victim" | "affected";
type Row = { id: number; choice: string; kind: Kind; value: string; role: Role; relation: Relation };

const NEW = "new";

/** Now, as a `datetime-local` value in UTC. */
function nowUtc(): string {
  return new Date().toISOString().slice(0, 19);
}

export function AddEventForm({
  caseId,
  entities,
  onDone,
}: {
  caseId: string;
  entities: Entity[];
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [occurredAt, setOccurredAt] = useState(nowUtc);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [category, setCategory] = useState("");
  const [technique, setTechnique] = useState("");
  const [starred, setStarred] = useState(false);
  const [rows, setRows] = useState<Row[]>([]);
  const add = useMutation(
    trpc.cases.timeline.add.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.cases.pathFilter());
        onDone();
      },
    }),
  );
  const update = (id: number, patch: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));

  const refs = rows.flatMap((r): EntityRef[] => {
    if (r.choice === NEW) return [{ kind: r.kind, value: r.value, role: r.role, relation: r.relation }];
    return r.choice ? [{ entityId: r.choice, relation: r.relation }] : [];
  });

  return (
    <form
      aria-label="Add event"
      className="grid gap-3 border-x border-b border-slate-200 bg-slate-50 p-4 md:grid-cols-6"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate({
          caseId,
          occurredAt: new Date(`${occurredAt}Z`),
          title,
          description,
          category: category || null,
          attackTechnique: technique || null,
          starred,
          entities: refs,
        });
      }}
    >
      <Field label="Occurred at (UTC)" error={fieldError(add.error, "occurredAt")} className="md:col-span-2">
        <input
          type="datetime-local"
          step={1}
          required
          className={inputClass}
          value={occurredAt}
          onChange={(e) => setOccurredAt(e.target.value)}
        />
      </Field>
      <Field label="Title" error={fieldError(add.error, "title")} className="md:col-span-4">
        <input className={inputClass} required value={title} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <Field label="Description" error={fieldError(add.error, "description")} className="md:col-span-6">
        <textarea
          className={inputClass}
          rows={2}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </Field>
      <Field label="Category" hint="e.g. initial-access, exfiltration" className="md:col-span-2">
        <input className={inputClass} value={category} onChange={(e) => setCategory(e.target.value)} />
      </Field>
      <Field
        label="ATT&CK technique"
        error={fieldError(add.error, "attackTechnique")}
        hint="e.g. T1110.004"
        className="md:col-span-2"
      >
        <input className={inputClass} value={technique} onChange={(e) => setTechnique(e.target.value)} />
      </Field>
      <label className="flex items-center gap-2 self-end pb-1 text-sm md:col-span-2">
        <input type="checkbox" checked={starred} onChange={(e) => setStarred(e.target.checked)} />
        Star this event
      </label>

      <fieldset className="md:col-span-6">
        <legend className="text-xs font-medium text-slate-600">Entities</legend>
        {rows.map((r, i) => (
          <div key={r.id} className="mt-2 flex flex-wrap items-end gap-2" data-testid="event-entity-row">
            <Field label="Relation">
              <select
                className={inputClass}
                value={r.relation}
                onChange={(e) => update(r.id, { relation: e.target.value as Relation })}
              >
                <option value="actor">actor</option>
                <option value="target">target</option>
                <option value="observed">observed</option>
              </select>
            </Field>
            <Field label="Entity">
              <select
                className={inputClass}
                value={r.choice}
                onChange={(e) => update(r.id, { choice: e.target.value })}
              >
                <option value="">Choose…</option>
                {entities.map((e) => (
                  <option key={e.id} value={e.id}>
                    {ENTITY_KIND_LABELS[e.kind]}: {e.value}
                  </option>
                ))}
                <option value={NEW}>New entity…</option>
              </select>
            </Field>
            {r.choice === NEW ? (
              <>
                <Field label="Kind">
                  <select
                    className={inputClass}
                    value={r.kind}
                    onChange={(e) => update(r.id, { kind: e.target.value as Kind })}
                  >
                    {(Object.keys(ENTITY_KIND_LABELS) as Kind[]).map((k) => (
                      <option key={k} value={k}>
                        {ENTITY_KIND_LABELS[k]}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field label="Value" error={fieldError(add.error, `entities.${i}.value`)}>
                  <input
                    className={inputClass}
                    value={r.value}
                    onChange={(e) => update(r.id, { value: e.target.value })}
                  />
                </Field>
                <Field label="Role">
                  <select
                    className={inputClass}
                    value={r.role}
                    onChange={(e) => update(r.id, { role: e.target.value as Role })}
                  >
                    <option value="suspect">suspect</option>
                    <option value="victim">victim</option>
                    <option value="affected">affected</option>
                  </select>
                </Field>
              </>
            ) : null}
            <Button
              type="button"
              variant="secondary"
              onClick={() => setRows((rs) => rs.filter((x) => x.id !== r.id))}
            >
              Remove
            </Button>
          </div>
        ))}
        <Button
          type="button"
          variant="secondary"
          className="mt-2"
          onClick={() =>
            setRows((rs) => [
              ...rs,
              { id: Date.now(), choice: "", kind: "ip", value: "", role: "suspect", relation: "actor" },
            ])
          }
        >
          Link an entity
        </Button>
      </fieldset>
      <div className="md:col-span-6">
        <FormError error={add.error} />
      </div>
      <div className="flex gap-2 md:col-span-6">
        <Button type="submit" disabled={add.isPending}>
          {add.isPending ? "Saving…" : "Save event"}
        </Button>
        <Button type="button" variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
