import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { EntryDetail } from "@/components/ledger/entry-detail";
import { requireSection } from "@/server/auth/current-user";
import { fetchOrNotFound, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Ledger entry" };

export default async function LedgerEntryPage({ params }: { params: Promise<{ seq: string }> }) {
  await requireSection("ledger");
  const { seq: raw } = await params;
  const seq = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(seq)) notFound();
  await fetchOrNotFound(trpc.ledger.entry.queryOptions({ seq }));
  return (
    <Suspense fallback={<p className="text-slate-500">Loading…</p>}>
      <EntryDetail seq={seq} />
    </Suspense>
  );
}
