"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { RiskBadge } from "@/components/approvals/badges";
import { StepUpPrompt } from "@/components/auth/step-up-prompt";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import { RISK_TIERS, ROLES } from "@/server/shared/constants";
import type { RouterOutputs } from "@/server/trpc/routers/_app";

type Entry = RouterOutputs["admin"]["actionTypes"]["list"][number];

/** The action catalogue's policies, edited by admins; every change is a ledger entry. */
export function ActionCatalogue() {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.admin.actionTypes.list.queryOptions());
  return (
    <section className="mt-8" aria-label="Action catalogue">
      <h2 className="font-semibold">Action catalogue</h2>
      <p className="text-sm text-slate-600">
        Who approves each action, how long a grant lasts and how often it may be used.
      </p>
      <div className="mt-3 space-y-3">
        {data.map((entry) => (
          <PolicyEditor key={`${entry.key}-${entry.version}`} entry={entry} />
        ))}
      </div>
    </section>
  );
}

function PolicyEditor({ entry }: { entry: Entry }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState({
    riskTier: entry.riskTier,
    approvalsRequired: entry.approvalsRequired,
    approverRoles: entry.approverRoles,
    minClearance: entry.minClearance,
    maxDurationMinutes: entry.maxDurationMinutes,
    maxUses: entry.maxUses,
    businessHours: entry.businessHours,
    breakGlassAllowed: entry.breakGlassAllowed,
    excludeCaseGrantees: entry.excludeCaseGrantees,
    executorStepUp: entry.executorStepUp,
    breakGlassPerDay: entry.breakGlassPerDay,
    breakGlassMinutesPerDay: entry.breakGlassMinutesPerDay,
    breakGlassMaxUnreviewed: entry.breakGlassMaxUnreviewed,
    enabled: entry.enabled,
  });
  const update = useMutation(
    trpc.admin.actionTypes.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.admin.actionTypes.pathFilter()),
    }),
  );
  type NumberKey = {
    [K in keyof typeof draft]: (typeof draft)[K] extends number ? K : never;
  }[keyof typeof draft];
  const number = (label: string, key: NumberKey, min: number, max: number) => (
    <Field label={label} error={fieldError(update.error, `patch.${key}`)}>
      <input
        type="number"
        min={min}
        max={max}
        className={inputClass}
        value={draft[key]}
        onChange={(e) => setDraft({ ...draft, [key]: Number(e.target.value) })}
      />
    </Field>
  );
  const flag = (key: keyof typeof draft, label: string) => (
    <label className="flex items-center gap-2 text-sm">
      <input
        type="checkbox"
        checked={Boolean(draft[key])}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.checked })}
      />
      {label}
    </label>
  );
  return (
    <div className="rounded-md border border-slate-200 bg-white p-3" data-testid="catalogue-entry">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{entry.title}</span>
        <span className="font-mono text-xs text-slate-500">{entry.key}</span>
        <RiskBadge tier={entry.riskTier} />
        {entry.enabled ? null : <span className="text-xs text-red-700">disabled</span>}
        <Button type="button" variant="secondary" className="ml-auto" onClick={() => setOpen(!open)}>
          {open ? "Close" : "Edit policy"}
        </Button>
      </div>
      <p className="mt-1 text-sm text-slate-600">{entry.policySummary}</p>
      {open ? (
        <form
          aria-label={`Policy of ${entry.key}`}
          className="mt-3 grid gap-3 md:grid-cols-3"
          onSubmit={(e) => {
            e.preventDefault();
            update.mutate({ key: entry.key, version: entry.version, patch: draft });
          }}
        >
          <Field label="Risk tier">
            <select
              className={inputClass}
              value={draft.riskTier}
              onChange={(e) => setDraft({ ...draft, riskTier: e.target.value as Entry["riskTier"] })}
            >
              {RISK_TIERS.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </Field>
          {number("Approvals required", "approvalsRequired", 1, 5)}
          {number("Minimum clearance", "minClearance", 1, 4)}
          {number("Maximum minutes", "maxDurationMinutes", 1, 1440)}
          {number("Maximum uses", "maxUses", 1, 1000)}
          {number("Break-glass per person per 24 h", "breakGlassPerDay", 0, 50)}
          {number("Break-glass minutes per person per 24 h", "breakGlassMinutesPerDay", 0, 1440)}
          {number("Unreviewed break-glass a person may have open", "breakGlassMaxUnreviewed", 0, 50)}
          <fieldset className="text-sm">
            <legend className="text-xs font-medium text-slate-600">Approver roles</legend>
            {ROLES.map((role) => (
              <label key={role} className="mr-3 inline-flex items-center gap-1">
                <input
                  type="checkbox"
                  checked={draft.approverRoles.includes(role)}
                  onChange={(e) =>
                    setDraft({
                      ...draft,
                      approverRoles: e.target.checked
                        ? [...draft.approverRoles, role]
                        : draft.approverRoles.filter((r) => r !== role),
                    })
                  }
                />
                {role}
              </label>
            ))}
            {fieldError(update.error, "patch.approverRoles") ? (
              <p className="text-xs text-red-700">{fieldError(update.error, "patch.approverRoles")}</p>
            ) : null}
          </fieldset>
          <div className="space-y-1 md:col-span-3">
            {flag("businessHours", "One approval more outside business hours")}
            {flag("breakGlassAllowed", "Break-glass allowed")}
            {flag("excludeCaseGrantees", "Holders of a live grant on the case may not approve there")}
            {flag(
              "executorStepUp",
              "The requester proves a second factor when asking and again when running it",
            )}
            {flag(
              "enabled",
              "Enabled (switching it off refuses every pending request and revokes every live grant of this action)",
            )}
          </div>
          <div className="md:col-span-3">
            <FormError error={update.error} />
            <StepUpPrompt
              error={update.error}
              retry={(secondFactorCode) =>
                update.variables && update.mutate({ ...update.variables, secondFactorCode })
              }
            />
            <Button type="submit" disabled={update.isPending}>
              Save policy
            </Button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
