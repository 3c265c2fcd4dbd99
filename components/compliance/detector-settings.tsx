"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import type { RouterOutputs } from "@/server/trpc/routers/_app";

type Setting = RouterOutputs["compliance"]["detectors"]["list"][number];

/** Each detector's switch and thresholds; every change is a ledger entry. */
export function DetectorSettings() {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.compliance.detectors.list.queryOptions());
  return (
    <ul className="mt-4 space-y-3">
      {data.map((d) => (
        <DetectorItem key={`${d.key}-${d.version}`} setting={d} />
      ))}
    </ul>
  );
}

function DetectorItem({ setting: d }: { setting: Setting }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [enabled, setEnabled] = useState(d.enabled);
  const [thresholds, setThresholds] = useState<Record<string, number>>(d.thresholds);
  const save = useMutation(
    trpc.compliance.detectors.save.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.compliance.detectors.pathFilter()),
    }),
  );
  return (
    <li className="rounded-md border border-slate-200 bg-white p-3" data-testid="detector">
      <form
        aria-label={d.title}
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ detector: d.key, enabled, thresholds });
        }}
      >
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium">{d.title}</span>
          <span className="font-mono text-xs text-slate-500">{d.key}</span>
          <label className="ml-auto flex items-center gap-1 text-sm">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            Enabled
          </label>
        </div>
        <p className="text-sm text-slate-600">{d.description}</p>
        <div className="mt-2 flex flex-wrap items-end gap-3">
          {Object.keys(d.defaults).map((k) => (
            <Field key={k} label={k} error={fieldError(save.error, `thresholds.${k}`)}>
              <input
                type="number"
                step="any"
                className={`${inputClass} w-28`}
                value={thresholds[k] ?? ""}
                onChange={(e) => setThresholds({ ...thresholds, [k]: Number(e.target.value) })}
              />
            </Field>
          ))}
          <Button type="submit" variant="secondary" disabled={save.isPending}>
            Save
          </Button>
          {save.isSuccess ? (
            <span role="status" className="text-sm text-emerald-800">
              Saved
            </span>
          ) : null}
        </div>
        <FormError error={save.error} />
      </form>
    </li>
  );
}
