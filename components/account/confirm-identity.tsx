"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";

export type SudoNeeds = { active: boolean; password: boolean; code: boolean; ssoOnly: boolean };

/**
 * "Confirm it's you" before a sensitive change: the password (unless a single sign-on from the
 * last minutes stands in for it) and a code from the current second factor where one exists.
 */
export function ConfirmIdentity({
  needs,
  error,
  pending,
  onConfirm,
  onCancel,
}: {
  needs: SudoNeeds;
  error: { message: string } | null;
  pending: boolean;
  onConfirm: (proof: { password?: string; currentCode?: string }) => void;
  onCancel: () => void;
}) {
  const [password, setPassword] = useState("");
  const [currentCode, setCurrentCode] = useState("");
  if (needs.password && needs.ssoOnly) {
    return (
      <div className="mt-2 space-y-2" role="alert">
        <p className="text-sm text-slate-700">
          To change your second factor, sign out and sign in again with single sign-on, then come back here
          within ten minutes.
        </p>
        <Button type="button" variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    );
  }
  return (
    <form
      aria-label="Confirm it’s you"
      className="mt-2 space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        onConfirm({
          password: needs.password ? password : undefined,
          currentCode: needs.code ? currentCode : undefined,
        });
      }}
    >
      <p className="text-sm text-slate-700">
        Confirm it’s you first
        {needs.code
          ? ": your password and a code from your current authenticator app (or a recovery code)"
          : ""}
        .
      </p>
      {needs.password ? (
        <Field label="Your password" error={fieldError(error, "password")}>
          <input
            className={inputClass}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
      ) : null}
      {needs.code ? (
        <Field label="Current authenticator code" error={fieldError(error, "currentCode")}>
          <input
            className={inputClass}
            autoComplete="one-time-code"
            value={currentCode}
            onChange={(e) => setCurrentCode(e.target.value)}
          />
        </Field>
      ) : null}
      {error && !fieldError(error, "password") && !fieldError(error, "currentCode") ? (
        <FormError error={error} />
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          Continue
        </Button>
        <Button type="button" variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
