import type { Metadata } from "next";
import { Suspense } from "react";
import { BreakGlassReviews } from "@/components/approvals/break-glass-reviews";
import { ComplianceNav } from "@/components/compliance/compliance-nav";
import { Dashboard } from "@/components/compliance/dashboard";
import { FindingsList } from "@/components/compliance/findings-list";
import { periodFrom } from "@/components/compliance/period";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Compliance" };

type Props = { searchParams: Promise<{ from?: string; to?: string; team?: string }> };

export default async function CompliancePage({ searchParams }: Props) {
  await requireSection("compliance");
  const period = periodFrom(await searchParams);
  const open = { status: ["open" as const, "acknowledged" as const] };
  prefetch(trpc.compliance.dashboard.queryOptions(period));
  prefetch(trpc.compliance.findings.list.queryOptions(open));
  prefetch(trpc.requests.breakGlassReviews.queryOptions());
  return (
    <>
      <PageHeader
        title="Compliance"
        description="Oversight of the approval process: figures, anomaly findings, review campaigns and reports."
      />
      <ComplianceNav current="/compliance" />
      <HydrateClient>
        <Suspense fallback={<p className="mt-6 text-slate-500">Loading figures…</p>}>
          <Dashboard period={period} />
        </Suspense>
        <Suspense fallback={<p className="mt-6 text-slate-500">Loading findings…</p>}>
          <FindingsList filter={open} />
        </Suspense>
        <BreakGlassReviews />
      </HydrateClient>
    </>
  );
}
