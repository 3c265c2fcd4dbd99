import type { Metadata } from "next";
import Link from "next/link";
import { BreakGlassReviews } from "@/components/approvals/break-glass-reviews";
import { NotBuilt } from "@/components/shell/not-built";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Compliance" };

export default async function CompliancePage() {
  await requireSection("compliance");
  prefetch(trpc.requests.breakGlassReviews.queryOptions());
  return (
    <>
      <PageHeader
        title="Compliance"
        description="Oversight of the approval process: anomaly findings, review campaigns and reports."
      />
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4" aria-label="Review campaigns">
        <Link href="/compliance/campaigns" className="font-medium text-sky-700 hover:underline">
          Review campaigns
        </Link>
        <p className="mt-1 text-sm text-slate-600">
          Attest every approval decision of a period as appropriate or inappropriate; export the results.
        </p>
      </section>
      <NotBuilt>Anomaly dashboards and reports arrive with the compliance feature.</NotBuilt>
      <HydrateClient>
        <BreakGlassReviews />
      </HydrateClient>
    </>
  );
}
