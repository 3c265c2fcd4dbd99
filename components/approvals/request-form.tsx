"use client";

import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { StepUpPrompt } from "@/components/auth/step-up-prompt";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import { type Params, SchemaForm } from "./schema-form";

type FieldErrors = Record<string, string[]> | null | undefined;
const fieldErrorsOf = (error: unknown): FieldErrors =>
  (error as { data?: { fieldErrors?: FieldErrors } } | null)?.data?.fieldErrors;

/** Ask for an action: parameters from the catalogue's schema, a justification, the trigger event. */
export function RequestForm({ caseId, trigger }: { caseId: string; trigger: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: catalogue } = useSuspenseQuery(trpc.requests.catalogue.queryOptions());
  const { data: entities = [] } = useQuery(trpc.cases.entities.list.queryOptions({ caseId }));
  const { data: timeline } = useQuery(trpc.cases.timeline.list.queryOptions({ caseId, limit: 200 }));
  const [actionKey, setActionKey] = useState("");
  const [params, setParams] = useState<Params>({});
  const [justification, setJustification] = useState("");
  const [triggerEventId, setTriggerEventId] = useState(trigger ?? "");
  const [minutes, setMinutes] = useState(30);
  const [uses, setUses] = useState(1);
  const [breakGlass, setBreakGlass] = useState(false);
  const action = catalogue.find((a) => a.key === actionKey);
  const onSuccess = async () => {
    await queryClient.invalidateQueries(trpc.requests.pathFilter());
    setParams({});
    setJustification("");
    setBreakGlass(false);
  };
  const create = useMutation(trpc.requests.create.mutationOptions({ onSuccess }));
  const glass = useMutation(trpc.requests.breakGlass.mutationOptions({ onSuccess }));
  const pending = create.isPending || glass.isPending;
  const error = breakGlass ? glass.error : create.error;

  return (
    <form
      aria-label="Request an action"
      className="space-y-3 rounded-md border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        const ask = { caseId, actionKey, params, triggerEventId: triggerEventId || null, minutes };
        if (breakGlass) glass.mutate({ ...ask, reason: justification });
        else create.mutate({ ...ask, justification, uses });
      }}
    >
      <h2 className="font-semibold">Request an action</h2>
      <Field label="Action" error={fieldError(error, "actionKey")}>
        <select
          className={inputClass}
          value={actionKey}
          onChange={(e) => {
            setActionKey(e.target.value);
            setParams({});
            const next = catalogue.find((a) => a.key === e.target.value);
            if (next) setMinutes(Math.min(30, next.maxDurationMinutes));
            setUses(1);
          }}
        >
          <option value="">Choose…</option>
          {catalogue.map((a) => (
            <option key={a.key} value={a.key}>
              {a.title} ({a.key})
            </option>
          ))}
        </select>
      </Field>
      {action ? (
        <>
          <p className="text-sm text-slate-600" data-testid="policy-summary">
            {action.description} Policy: {action.policySummary}
          </p>
          <SchemaForm
            schema={action.paramsSchema}
            value={params}
            onChange={setParams}
            entities={entities}
            fieldErrors={fieldErrorsOf(error)}
            idPrefix="request"
          />
          <div className="grid gap-3 md:grid-cols-3">
            <Field
              label="Trigger event"
              error={fieldError(error, "triggerEventId")}
              className="md:col-span-3"
            >
              <select
                className={inputClass}
                value={triggerEventId}
                onChange={(e) => setTriggerEventId(e.target.value)}
              >
                <option value="">None</option>
                {(timeline?.events ?? []).map((ev) => (
                  <option key={ev.id} value={ev.id}>
                    {ev.occurredAt.toISOString().slice(0, 16).replace("T", " ")} — {ev.title}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Minutes" error={fieldError(error, "minutes")}>
              <input
                type="number"
                min={1}
                max={breakGlass ? Math.min(15, action.maxDurationMinutes) : action.maxDurationMinutes}
                className={inputClass}
                value={minutes}
                onChange={(e) => setMinutes(Number(e.target.value))}
              />
            </Field>
            {action.maxUses > 1 && !breakGlass ? (
              <Field label="Uses" error={fieldError(error, "uses")}>
                <input
                  type="number"
                  min={1}
                  max={action.maxUses}
                  className={inputClass}
                  value={uses}
                  onChange={(e) => setUses(Number(e.target.value))}
                />
              </Field>
            ) : null}
          </div>
          <Field
            label={breakGlass ? "Break-glass reason" : "Justification"}
            error={fieldError(error, breakGlass ? "reason" : "justification")}
            hint="What you need, and why now"
          >
            <textarea
              className={inputClass}
              rows={3}
              value={justification}
              onChange={(e) => setJustification(e.target.value)}
            />
          </Field>
          {action.breakGlassAllowed ? (
            <label className="flex items-center gap-2 text-sm text-red-800">
              <input type="checkbox" checked={breakGlass} onChange={(e) => setBreakGlass(e.target.checked)} />
              Break glass: grant it to myself now (at most 15 minutes; approvers and compliance are told, and
              it will be reviewed)
            </label>
          ) : null}
          <FormError error={error} />
          {breakGlass ? (
            <StepUpPrompt
              error={glass.error}
              retry={(secondFactorCode) =>
                glass.variables && glass.mutate({ ...glass.variables, secondFactorCode })
              }
            />
          ) : (
            // Actions whose policy asks their executor for a second factor ask it here too.
            <StepUpPrompt
              error={create.error}
              retry={(secondFactorCode) =>
                create.variables && create.mutate({ ...create.variables, secondFactorCode })
              }
            />
          )}
          <Button type="submit" variant={breakGlass ? "danger" : "primary"} disabled={pending}>
            {breakGlass ? "Break glass" : "Send request"}
          </Button>
        </>
      ) : null}
    </form>
  );
}
