"use client";

import { signOut } from "next-auth/react";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";

/** After single sign-on, someone enrolled in TOTP proves it here before the session counts. */
export function SignInCodeForm({
  email,
  callbackUrl,
  action,
}: {
  email: string;
  callbackUrl: string;
  action: (state: { error: string | null }, form: FormData) => Promise<{ error: string | null }>;
}) {
  const [state, submit, pending] = useActionState(action, { error: null });
  return (
    <form action={submit} className="flex flex-col gap-4">
      <p className="text-slate-600">
        Signed in as <span className="font-medium">{email}</span>. Enter the code from your authenticator app
        (or a recovery code).
      </p>
      {state.error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800">
          {state.error}
        </p>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label className="flex flex-col gap-1">
        <span className="font-medium">Authenticator code</span>
        <input
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          autoFocus
          className="rounded-md border border-slate-300 px-3 py-2 font-mono"
        />
      </label>
      <Button type="submit" disabled={pending} className="py-2">
        {pending ? "Checking…" : "Continue"}
      </Button>
      <button
        type="button"
        className="text-sm text-sky-700 hover:underline"
        onClick={() => void signOut({ callbackUrl: "/sign-in" })}
      >
        Use another account
      </button>
    </form>
  );
}
