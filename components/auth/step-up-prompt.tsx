"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";

/** True when the server refused a step because it needs a fresh second factor. */
export function needsStepUp(error: unknown): boolean {
  const data = (error as { data?: { code?: string; fieldErrors?: Record<string, string[]> | null } } | null)
    ?.data;
  return data?.code === "PRECONDITION_FAILED" && Boolean(data.fieldErrors?.secondFactorCode);
}

/**
 * Shown after a step was refused for want of a fresh second factor: the code goes with a
 * retry of the same step. Not enrolled yet: setting one up opens in a new tab, so the form
 * that asked (and what was typed into it) stays on this page.
 */
export function StepUpPrompt({ error, retry }: { error: unknown; retry: (code: string) => void }) {
  const [code, setCode] = useState("");
  if (!needsStepUp(error)) return null;
  const enrolled = !/set one up/.test((error as { message?: string }).message ?? "");
  return (
    <form
      aria-label="Confirm with your second factor"
      className="flex flex-wrap items-end gap-2 px-4 py-2"
      onSubmit={(e) => {
        e.preventDefault();
        retry(code);
      }}
    >
      {enrolled ? (
        <>
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
            Authenticator code
            <input
              className={inputClass}
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </label>
          <Button type="submit">Confirm</Button>
        </>
      ) : (
        <p className="text-sm text-slate-700">
          This step needs a second factor, and you have none yet.{" "}
          <a href="/account" target="_blank" rel="noopener" className="font-medium text-sky-700 underline">
            Set up two-factor authentication
          </a>{" "}
          in a new tab; everything here stays as you left it, so you can send it again once it is set up.
        </p>
      )}
    </form>
  );
}
