"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import type { TokenScope } from "@/server/shared/token-scopes";
import { ScopePicker } from "./scope-picker";
import { NewTokenNotice, TokenTable } from "./token-table";

/** Your account: personal API tokens (for the CLI and scripts); creating one asks to confirm it's you. */
export function MyTokens() {
  const trpc = useTRPC();
  const { data: me } = useSuspenseQuery(trpc.me.queryOptions());
  if (me.mustEnrolFirst) {
    return (
      <section className="mt-8" aria-labelledby="tokens-heading">
        <h2 id="tokens-heading" className="text-lg font-semibold">
          API tokens
        </h2>
        <p className="text-sm text-slate-600">
          Set up your second factor above first; then you can create tokens for the CLI and scripts here.
        </p>
      </section>
    );
  }
  return <TokenPanel />;
}

function TokenPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: tokens } = useSuspenseQuery(trpc.tokens.mine.queryOptions());
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<TokenScope[]>(["cases:read"]);
  const [days, setDays] = useState("30");
  const [cidrs, setCidrs] = useState("");
  const [password, setPassword] = useState("");
  const [currentCode, setCurrentCode] = useState("");
  const refresh = () => queryClient.invalidateQueries(trpc.tokens.pathFilter());
  const create = useMutation(trpc.tokens.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: refresh }));
  return (
    <section className="mt-8" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading" className="text-lg font-semibold">
        API tokens
      </h2>
      <p className="text-sm text-slate-600">
        A token acts as you, narrowed to its scopes. It can never approve, deny or break glass.
      </p>
      <FormError error={revoke.error} />
      <TokenTable
        tokens={tokens}
        onRevoke={(tokenId) => revoke.mutate({ tokenId })}
        pending={revoke.isPending}
      />
      {create.data ? <NewTokenNotice token={create.data.token} /> : null}
      <form
        aria-label="New API token"
        className="mt-4 grid gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            name,
            scopes,
            days: Number(days) || undefined,
            sourceCidrs: cidrs
              .split(",")
              .map((c) => c.trim())
              .filter(Boolean),
            password: password || undefined,
            currentCode: currentCode || undefined,
          });
        }}
      >
        <Field label="Name" error={fieldError(create.error, "name")}>
          <input className={inputClass} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Expires in (days)" error={fieldError(create.error, "days")}>
          <input
            className={inputClass}
            inputMode="numeric"
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </Field>
        <Field
          label="Source addresses (optional CIDRs, comma-separated)"
          error={fieldError(create.error, "sourceCidrs.0")}
        >
          <input className={inputClass} value={cidrs} onChange={(e) => setCidrs(e.target.value)} />
        </Field>
        <ScopePicker value={scopes} onChange={setScopes} />
        <Field label="Your password" error={fieldError(create.error, "password")}>
          <input
            className={inputClass}
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <Field label="Authenticator code (if you have one)" error={fieldError(create.error, "currentCode")}>
          <input
            className={inputClass}
            value={currentCode}
            onChange={(e) => setCurrentCode(e.target.value)}
          />
        </Field>
        <div className="sm:col-span-2">
          <FormError error={create.error} />
          <Button type="submit" disabled={create.isPending}>
            Create token
          </Button>
        </div>
      </form>
    </section>
  );
}
