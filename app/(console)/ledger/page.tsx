import type { Metadata } from "next";
import { Suspense } from "react";
import { EntryTable } from "@/components/ledger/entry-table";
import { LedgerStatus } from "@/components/ledger/ledger-status";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";
import { prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Ledger" };

export default async function LedgerPage() {
  await requireSection("ledger");
  prefetch(trpc.ledger.latestCheckpoint.queryOptions());
  prefetch(trpc.ledger.types.queryOptions());
  prefetch(trpc.ledger.actors.queryOptions());
  return (
    <>
      <PageHeader
        title="Ledger"
        description="Every sign-in, request, decision, grant, execution and admin change, in a tamper-evident log."
      />
      <Suspense fallback={<p className="mt-6 text-slate-500">Loading…</p>}>
        <LedgerStatus />
        <EntryTable />
      </Suspense>
    </>
  );
}
