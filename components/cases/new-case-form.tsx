"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Options, SEVERITY_OPTIONS, TLP_OPTIONS, type TlpValue } from "./case-options";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";

export function NewCaseForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState("");
  const [summary, setSummary] = useState("");
  const [severity, setSeverity] = useState("3");
  const [tlp, setTlp] = useState<TlpValue>("amber");
  const create = useMutation(
    trpc.cases.create.mutationOptions({ onSuccess: ({ key }) => router.push(`/cases/${key}`) }),
  );

  if (!open) return <Button onClick={() => setOpen(true)}>New case</Button>;
  return (
    <form
      aria-label="Open a case"
      className="mt-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ title, summary, severity: Number(severity), tlp });
      }}
    >
      <h2 className="font-semibold md:col-span-4">Open a case</h2>
      <Field label="Title" error={fieldError(create.error, "title")} className="md:col-span-2">
        <input className={inputClass} value={title} onChange={(e) => setTitle(e.target.value)} required />
      </Field>
      <Field label="Severity" error={fieldError(create.error, "severity")}>
        <select className={inputClass} value={severity} onChange={(e) => setSeverity(e.target.value)}>
          <Options options={SEVERITY_OPTIONS} />
        </select>
      </Field>
      <Field label="TLP" error={fieldError(create.error, "tlp")}>
        <select className={inputClass} value={tlp} onChange={(e) => setTlp(e.target.value as TlpValue)}>
          <Options options={TLP_OPTIONS} />
        </select>
      </Field>
      <Field label="Summary" error={fieldError(create.error, "summary")} className="md:col-span-4">
        <textarea
          className={inputClass}
          rows={3}
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
        />
      </Field>
      <div className="md:col-span-4">
        <FormError error={create.error} />
      </div>
      <div className="flex gap-2 md:col-span-4">
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Opening…" : "Open case"}
        </Button>
        <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
