"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";

export function ChoosePasswordForm({
  email,
  token,
  minLength,
  action,
}: {
  email: string;
  token: string;
  minLength: number;
  action: (state: { error: string | null }, form: FormData) => Promise<{ error: string | null }>;
}) {
  const [state, submit, pending] = useActionState(action, { error: null });
  const field = (name: string, label: string, autoComplete: string) => (
    <label className="flex flex-col gap-1">
      <span className="font-medium">{label}</span>
      <input
        name={name}
        type="password"
        autoComplete={autoComplete}
        required
        minLength={minLength}
        className="rounded-md border border-slate-300 px-3 py-2"
      />
    </label>
  );
  return (
    <form action={submit} className="flex flex-col gap-4">
      <p className="text-slate-600">
        Choose the password for <span className="font-medium">{email}</span>: at least {minLength} characters,
        not a common password, not your name, and no repeats or sequences like 1234 or qwerty. Several
        unrelated words make a good one.
      </p>
      {state.error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800">
          {state.error}
        </p>
      ) : null}
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="username" value={email} autoComplete="username" readOnly />
      {field("password", "New password", "new-password")}
      {field("confirm", "Repeat the password", "new-password")}
      <Button type="submit" disabled={pending} className="py-2">
        {pending ? "Saving…" : "Set password"}
      </Button>
    </form>
  );
}
