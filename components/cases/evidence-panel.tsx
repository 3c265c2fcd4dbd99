"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import type { RouterOutputs } from "@/server/trpc/routers/_app";
import { formatBytes, formatUtc } from "./format";

type Item = RouterOutputs["cases"]["evidence"]["list"][number];

/** Hashes in the browser: the file itself never leaves the investigator's machine. */
async function sha256Hex(file: File): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function EvidencePanel({ caseId, canWrite }: { caseId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const { data: items } = useSuspenseQuery(trpc.cases.evidence.list.queryOptions({ caseId }));
  return (
    <section className="space-y-4">
      {canWrite ? <RegisterForm caseId={caseId} /> : null}
      {items.map((item) => (
        <EvidenceItem key={item.id} item={item} caseId={caseId} canWrite={canWrite} />
      ))}
      {items.length === 0 ? <p className="text-slate-500">No evidence registered yet.</p> : null}
    </section>
  );
}

function RegisterForm({ caseId }: { caseId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [sha256, setSha256] = useState("");
  const [size, setSize] = useState("");
  const [source, setSource] = useState("");
  const [acquiredAt, setAcquiredAt] = useState(() => new Date().toISOString().slice(0, 16));
  const [description, setDescription] = useState("");
  const [hashing, setHashing] = useState(false);
  const register = useMutation(
    trpc.cases.evidence.register.mutationOptions({
      onSuccess: async () => {
        setName("");
        setSha256("");
        setSize("");
        setDescription("");
        await queryClient.invalidateQueries(trpc.cases.evidence.pathFilter());
      },
    }),
  );
  return (
    <form
      aria-label="Register evidence"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-3"
      onSubmit={(e) => {
        e.preventDefault();
        register.mutate({
          caseId,
          name,
          sha256,
          sizeBytes: Number(size),
          source,
          description,
          acquiredAt: new Date(`${acquiredAt}Z`),
        });
      }}
    >
      <h2 className="font-semibold md:col-span-3">Register evidence</h2>
      <Field label="File" hint={hashing ? "Computing SHA-256…" : "Hashed here in the browser; not uploaded"}>
        <input
          type="file"
          className="text-sm"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            setHashing(true);
            setName(file.name);
            setSize(String(file.size));
            void sha256Hex(file)
              .then(setSha256)
              .finally(() => setHashing(false));
          }}
        />
      </Field>
      <Field label="Name" error={fieldError(register.error, "name")}>
        <input className={inputClass} required value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Size (bytes)" error={fieldError(register.error, "sizeBytes")}>
        <input
          className={inputClass}
          required
          inputMode="numeric"
          value={size}
          onChange={(e) => setSize(e.target.value)}
        />
      </Field>
      <Field label="SHA-256" error={fieldError(register.error, "sha256")} className="md:col-span-2">
        <input
          className={`${inputClass} font-mono`}
          required
          value={sha256}
          onChange={(e) => setSha256(e.target.value.trim())}
        />
      </Field>
      <Field label="Acquired at (UTC)" error={fieldError(register.error, "acquiredAt")}>
        <input
          type="datetime-local"
          className={inputClass}
          required
          value={acquiredAt}
          onChange={(e) => setAcquiredAt(e.target.value)}
        />
      </Field>
      <Field
        label="Source"
        error={fieldError(register.error, "source")}
        hint="e.g. EDR export, IdP audit log"
      >
        <input className={inputClass} required value={source} onChange={(e) => setSource(e.target.value)} />
      </Field>
      <Field label="Description" className="md:col-span-2">
        <input className={inputClass} value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      <div className="md:col-span-3">
        <FormError error={register.error} />
      </div>
      <div className="md:col-span-3">
        <Button type="submit" disabled={register.isPending || hashing}>
          Register evidence
        </Button>
      </div>
    </form>
  );
}

const CUSTODY_TEXT = {
  collected: "collected",
  accessed: "accessed",
  exported: "exported",
  verified: "verified",
};

function EvidenceItem({ item, caseId, canWrite }: { item: Item; caseId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<"accessed" | null>(null);
  const [note, setNote] = useState("");
  const custody = useMutation(
    trpc.cases.evidence.custody.mutationOptions({
      onSuccess: async () => {
        setPending(null);
        setNote("");
        await queryClient.invalidateQueries(trpc.cases.evidence.pathFilter());
      },
    }),
  );
  const verified = custody.data?.matched;

  return (
    <article className="rounded-lg border border-slate-200 bg-white p-4" aria-label={item.name}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="font-semibold">{item.name}</h3>
          <p className="break-all font-mono text-xs text-slate-600 select-all" title="SHA-256">
            {item.sha256}
          </p>
          <p className="mt-1 text-slate-600">
            {formatBytes(item.sizeBytes)} · {item.source} · acquired by {item.acquiredBy} at{" "}
            {formatUtc(item.acquiredAt)}
          </p>
          {item.description ? <p className="mt-1 text-slate-700">{item.description}</p> : null}
        </div>
        {canWrite ? (
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" onClick={() => setPending("accessed")}>
              Record access
            </Button>
            <label className="inline-flex cursor-pointer items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100">
              Verify
              <input
                type="file"
                className="sr-only"
                aria-label={`Verify ${item.name} against a file`}
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (file) {
                    void sha256Hex(file).then((sha256) =>
                      custody.mutate({ caseId, evidenceId: item.id, action: "verified", sha256 }),
                    );
                  }
                }}
              />
            </label>
          </div>
        ) : null}
      </div>
      {pending ? (
        <form
          className="mt-3 flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            custody.mutate({ caseId, evidenceId: item.id, action: pending, note });
          }}
        >
          <Field label="Note on this access" className="w-96">
            <input className={inputClass} value={note} onChange={(e) => setNote(e.target.value)} />
          </Field>
          <Button type="submit" disabled={custody.isPending}>
            Record access
          </Button>
          <Button type="button" variant="secondary" onClick={() => setPending(null)}>
            Cancel
          </Button>
        </form>
      ) : null}
      <FormError error={custody.error} />
      {verified !== undefined && verified !== null ? (
        <p
          role="status"
          className={`mt-3 rounded-md px-3 py-2 font-medium ${verified ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-900"}`}
        >
          {verified ? "Hash matches" : "Hash does not match the registered SHA-256"}
        </p>
      ) : null}
      {canWrite ? (
        <p className="mt-2 text-xs text-slate-500">
          To release this item outside the case, request <em>Export evidence</em> under Actions; once
          approved, the grant offers the package for download, and each download is recorded here.
        </p>
      ) : null}
      <h4 className="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-500">Chain of custody</h4>
      <ol className="mt-1 space-y-0.5 text-sm">
        {item.custody.map((c) => (
          <li key={c.id} className={c.matched === false ? "text-red-700" : ""}>
            {CUSTODY_TEXT[c.action]} by {c.actorName} · {formatUtc(c.at)}
            {c.action === "verified" ? (c.matched ? " — hash matched" : " — HASH MISMATCH") : ""}
            {c.note ? <span className="text-slate-500"> — {c.note}</span> : null}
          </li>
        ))}
      </ol>
    </article>
  );
}
