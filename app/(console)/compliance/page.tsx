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
        actions={
          <Link href="/compliance/reports" className="text-sm whitespace-nowrap text-sky-700 hover:underline">
            Reports →
          </Link>
        }
      />
      <NotBuilt>Anomaly dashboards and review campaigns arrive with the compliance feature.</NotBuilt>
      <HydrateClient>
        <BreakGlassReviews />
      </HydrateClient>
    </>
  );
}
