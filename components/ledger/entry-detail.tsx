"use client";

import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";

export function EntryDetail({ seq }: { seq: number }) {
  const trpc = useTRPC();
  const { data: entry } = useSuspenseQuery(trpc.ledger.entry.queryOptions({ seq }));
  const [verifying, setVerifying] = useState(false);
  const proof = useQuery({
    ...trpc.ledger.inclusionProof.queryOptions({ seq }),
    enabled: verifying,
    retry: false,
  });

  return (
    <>
      <PageHeader
        title={`Ledger entry ${entry.seq}`}
        description={entry.type ? `${entry.label} (${entry.type})` : entry.label}
        actions={
          <Link href="/ledger" className="text-sky-700 hover:underline">
            ← All entries
          </Link>
        }
      />
      <section className="mt-6 grid gap-4 lg:grid-cols-2">
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-semibold">Canonical entry (RFC 8785)</h2>
          <pre
            data-testid="canonical-json"
            className="mt-2 whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-xs"
          >
            {entry.body}
          </pre>
          <dl className="mt-3 grid grid-cols-[7rem_1fr] gap-y-1">
            <dt className="text-slate-500">Case</dt>
            <dd className="font-mono text-xs">{entry.caseKey ?? "—"}</dd>
            <dt className="text-slate-500">Format</dt>
            <dd>{entry.version === null ? "unreadable" : `version ${entry.version}`}</dd>
            <dt className="text-slate-500">Entry id</dt>
            <dd className="font-mono text-xs">{entry.entryId}</dd>
            <dt className="text-slate-500">Leaf hash</dt>
            <dd className="break-all font-mono text-xs">{entry.leafHash}</dd>
            <dt className="text-slate-500">Integrated</dt>
            <dd>{entry.integratedAt.toLocaleString()}</dd>
          </dl>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-semibold">Inclusion proof</h2>
          <p className="mt-1 text-slate-600">
            Recomputes this entry&apos;s leaf hash and checks its audit path against the latest signed
            checkpoint.
          </p>
          <Button
            className="mt-3"
            disabled={verifying && proof.isFetching}
            onClick={() => (verifying ? void proof.refetch() : setVerifying(true))}
          >
            Verify inclusion
          </Button>
          {proof.error ? (
            <p role="alert" className="mt-3 text-red-700">
              {proof.error.message}
            </p>
          ) : null}
          {proof.data ? (
            <div className="mt-3">
              <p
                role="status"
                className={`rounded-md border px-3 py-2 font-medium ${
                  proof.data.verified
                    ? "border-emerald-200 bg-emerald-50 text-emerald-900"
                    : "border-red-200 bg-red-50 text-red-900"
                }`}
              >
                {proof.data.verified
                  ? `Included in the signed checkpoint of ${proof.data.checkpoint.size} entries`
                  : `Not verified: ${!proof.data.signatureValid ? "the checkpoint signature is invalid" : "the proof does not lead to the signed root"}`}
              </p>
              <dl className="mt-3 grid grid-cols-[9rem_1fr] gap-y-1">
                <dt className="text-slate-500">Checkpoint root</dt>
                <dd className="break-all font-mono text-xs">{proof.data.checkpoint.root}</dd>
                <dt className="text-slate-500">Signature</dt>
                <dd>{proof.data.signatureValid ? "valid (Ed25519)" : "invalid"}</dd>
                <dt className="text-slate-500">Stored leaf hash</dt>
                <dd>{proof.data.leafMatchesStored ? "matches the entry" : "does not match the entry"}</dd>
              </dl>
              <h3 className="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-500">
                Audit path ({proof.data.proof.length} hashes, leaf to root)
              </h3>
              <ol className="mt-1 list-decimal space-y-0.5 pl-6 font-mono text-xs">
                {proof.data.proof.map((hash, i) => (
                  <li key={i} className="break-all">
                    {hash}
                  </li>
                ))}
              </ol>
            </div>
          ) : null}
        </div>
      </section>
    </>
  );
}
