"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { StepUpPrompt } from "@/components/auth/step-up-prompt";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import { CONNECTOR_SERVES } from "@/server/shared/constants";
import type { RouterOutputs } from "@/server/trpc/routers/_app";

type Connector = RouterOutputs["admin"]["connectors"]["list"][number];
type Kind = Connector["kind"];

/** Where granted actions do their work. Secrets are written here and never shown again. */
export function Connectors() {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.admin.connectors.list.queryOptions());
  const [adding, setAdding] = useState(false);
  return (
    <section className="mt-8" aria-label="Connectors">
      <div className="flex items-center gap-2">
        <h2 className="font-semibold">Connectors</h2>
        <Button type="button" variant="secondary" className="ml-auto" onClick={() => setAdding(!adding)}>
          {adding ? "Close" : "Add a connector"}
        </Button>
      </div>
      <p className="text-sm text-slate-600">
        Evidence stores and target databases (PostgreSQL) and webhook endpoints (EDR, identity provider).
        Actions without a connector are recorded only. Configurations are stored encrypted; passwords and
        secrets are never shown again.
      </p>
      {adding ? <ConnectorForm onDone={() => setAdding(false)} /> : null}
      <ul className="mt-3 space-y-3">
        {data.map((c) => (
          <ConnectorItem key={`${c.id}-${c.version}`} connector={c} />
        ))}
        {data.length === 0 ? <li className="text-sm text-slate-500">No connectors yet.</li> : null}
      </ul>
    </section>
  );
}

function ConnectorItem({ connector: c }: { connector: Connector }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const test = useMutation(
    trpc.admin.connectors.test.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.admin.connectors.pathFilter()),
    }),
  );
  return (
    <li className="rounded-md border border-slate-200 bg-white p-3" data-testid="connector">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono font-medium">{c.name}</span>
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{c.kind}</span>
        <span className="text-xs text-slate-600">
          {Object.entries(c.display)
            .map(([k, v]) => `${k} ${v}`)
            .join(" · ")}
        </span>
        <span className="ml-auto inline-flex gap-2">
          <Button
            type="button"
            variant="secondary"
            onClick={() => test.mutate({ id: c.id })}
            disabled={test.isPending}
          >
            {test.isPending ? "Testing…" : "Test connection"}
          </Button>
          <Button type="button" variant="secondary" onClick={() => setEditing(!editing)}>
            {editing ? "Close" : "Edit"}
          </Button>
        </span>
      </div>
      <p className="mt-1 text-sm text-slate-700">Carries out: {c.serves.join(", ") || "nothing yet"}</p>
      {c.lastTestAt ? (
        <p
          role="status"
          className={`mt-1 text-sm ${c.lastTestOk === "ok" ? "text-emerald-800" : "text-red-800"}`}
        >
          {c.lastTestOk === "ok" ? "Test passed" : "Test failed"} ({formatUtc(c.lastTestAt)}):{" "}
          {c.lastTestMessage}
        </p>
      ) : null}
      <FormError error={test.error} />
      {editing ? <ConnectorForm connector={c} onDone={() => setEditing(false)} /> : null}
    </li>
  );
}

function ConnectorForm({ connector, onDone }: { connector?: Connector; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(connector?.name ?? "");
  const [kind, setKind] = useState<Kind>(connector?.kind ?? "postgres");
  const [serves, setServes] = useState<string[]>(connector?.serves ?? []);
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  const save = useMutation(
    trpc.admin.connectors.save.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.admin.connectors.pathFilter());
        onDone();
      },
    }),
  );
  const replacing = !connector || url !== "" || secret !== "";
  const config = kind === "postgres" ? { url } : { url, secret };
  return (
    <form
      aria-label={connector ? `Edit ${connector.name}` : "New connector"}
      className="mt-3 grid gap-3 rounded-md border border-slate-200 bg-slate-50 p-3 md:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({
          id: connector?.id,
          version: connector?.version,
          name,
          kind,
          serves,
          config: replacing ? config : undefined,
        });
      }}
    >
      <Field
        label="Name"
        hint="What requests name it by, e.g. db-cust-01"
        error={fieldError(save.error, "name")}
      >
        <input className={inputClass} value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Kind">
        <select
          className={inputClass}
          value={kind}
          disabled={Boolean(connector)}
          onChange={(e) => {
            setKind(e.target.value as Kind);
            setServes([]);
          }}
        >
          <option value="postgres">PostgreSQL</option>
          <option value="webhook">Webhook</option>
        </select>
      </Field>
      <Field
        label={kind === "postgres" ? "Connection URL" : "Endpoint URL"}
        hint={
          connector
            ? "Leave empty to keep the stored configuration"
            : kind === "postgres"
              ? "postgres://user:password@host:5432/database — use a least-privilege role"
              : "https://edr.example/casefile"
        }
        error={fieldError(save.error, "config.url")}
      >
        <input
          className={inputClass}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          autoComplete="off"
        />
      </Field>
      {kind === "webhook" ? (
        <Field
          label="Signing secret"
          hint="Shared with the receiver (HMAC-SHA256)"
          error={fieldError(save.error, "config.secret")}
        >
          <input
            type="password"
            className={inputClass}
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            autoComplete="new-password"
          />
        </Field>
      ) : null}
      <fieldset className="text-sm md:col-span-2">
        <legend className="text-xs font-medium text-slate-600">Carries out</legend>
        {CONNECTOR_SERVES[kind].map((key) => (
          <label key={key} className="mr-3 inline-flex items-center gap-1">
            <input
              type="checkbox"
              checked={serves.includes(key)}
              onChange={(e) =>
                setServes(e.target.checked ? [...serves, key] : serves.filter((s) => s !== key))
              }
            />
            <span className="font-mono text-xs">{key}</span>
          </label>
        ))}
        {fieldError(save.error, "serves") ? (
          <p className="text-xs text-red-700">{fieldError(save.error, "serves")}</p>
        ) : null}
      </fieldset>
      <div className="md:col-span-2">
        <FormError error={save.error} />
        <StepUpPrompt
          error={save.error}
          retry={(secondFactorCode) => save.variables && save.mutate({ ...save.variables, secondFactorCode })}
        />
        <Button type="submit" disabled={save.isPending}>
          Save connector
        </Button>
      </div>
    </form>
  );
}
