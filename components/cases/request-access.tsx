"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";

/**
 * A case link that opens nothing: the case does not exist or is not shared with you (the
 * page does not say which). You can ask its lead for access; the answer is the same either way.
 */
export function RequestAccess() {
  const trpc = useTRPC();
  const key = decodeURIComponent(usePathname().split("/")[2] ?? "");
  const [reason, setReason] = useState("");
  const ask = useMutation(trpc.cases.requestAccess.mutationOptions());
  return (
    <div
      role="region"
      aria-label="Case not available"
      className="mx-auto mt-10 max-w-lg rounded-lg border border-slate-200 bg-white p-6"
    >
      <h1 className="text-lg font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-700">
        <span className="font-mono">{key}</span> does not exist, or you are not one of its members.
      </p>
      {ask.data ? (
        <p role="status" className="mt-4 rounded-md bg-emerald-50 px-3 py-2 text-emerald-900">
          {ask.data.message}
        </p>
      ) : (
        <form
          aria-label="Request access"
          className="mt-4 space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            ask.mutate({ key, reason });
          }}
        >
          <Field
            label="Why you need it"
            error={fieldError(ask.error, "reason")}
            hint="The case lead reads this."
          >
            <textarea
              className={inputClass}
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </Field>
          <FormError error={fieldError(ask.error, "reason") ? null : ask.error} />
          <Button type="submit" disabled={ask.isPending}>
            Ask the case lead for access
          </Button>
        </form>
      )}
      <Link href="/cases" className="mt-4 inline-block font-medium text-sky-700 underline">
        Back to your cases
      </Link>
    </div>
  );
}
