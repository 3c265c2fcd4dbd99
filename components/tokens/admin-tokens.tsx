"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import type { TokenScope } from "@/server/shared/token-scopes";
import { ScopePicker } from "./scope-picker";
import { NewTokenNotice, TokenTable } from "./token-table";

/** Admin: every API token, and tokens for service accounts (each owned by a person). */
export function AdminTokens() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: tokens } = useSuspenseQuery(trpc.tokens.all.queryOptions());
  const { data: people } = useSuspenseQuery(trpc.admin.users.list.queryOptions());
  const services = people.filter((p) => p.serviceAccount && !p.disabled);
  const owners = people.filter((p) => !p.serviceAccount && !p.disabled);
  const [serviceAccountId, setService] = useState("");
  const [ownerId, setOwner] = useState("");
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<TokenScope[]>(["events:ingest"]);
  const [code, setCode] = useState("");
  const refresh = () => queryClient.invalidateQueries(trpc.tokens.pathFilter());
  const create = useMutation(trpc.tokens.createService.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: refresh }));
  return (
    <section className="mt-8" aria-labelledby="admin-tokens-heading">
      <h2 id="admin-tokens-heading" className="text-lg font-semibold">
        API tokens
      </h2>
      <FormError error={revoke.error} />
      <TokenTable
        tokens={tokens}
        onRevoke={(tokenId) => revoke.mutate({ tokenId })}
        pending={revoke.isPending}
      />
      {create.data ? <NewTokenNotice token={create.data.token} /> : null}
      <form
        aria-label="New service-account token"
        className="mt-4 grid gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, scopes, serviceAccountId, ownerId, secondFactorCode: code || undefined });
        }}
      >
        <Field label="Service account" error={fieldError(create.error, "serviceAccountId")}>
          <select
            className={inputClass}
            value={serviceAccountId}
            onChange={(e) => setService(e.target.value)}
          >
            <option value="">Choose…</option>
            {services.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Owner (answerable for it)" error={fieldError(create.error, "ownerId")}>
          <select className={inputClass} value={ownerId} onChange={(e) => setOwner(e.target.value)}>
            <option value="">Choose…</option>
            {owners.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" error={fieldError(create.error, "name")}>
          <input className={inputClass} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Authenticator code" error={fieldError(create.error, "secondFactorCode")}>
          <input className={inputClass} value={code} onChange={(e) => setCode(e.target.value)} />
        </Field>
        <ScopePicker value={scopes} onChange={setScopes} />
        <div className="sm:col-span-2">
          <FormError error={create.error} />
          <Button type="submit" disabled={create.isPending}>
            Create service token
          </Button>
        </div>
      </form>
    </section>
  );
}
