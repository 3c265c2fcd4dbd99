import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { ReportDownloads } from "@/components/compliance/report-downloads";
import { ComplianceNav } from "@/components/compliance/compliance-nav";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Reports" };

export default async function ReportsPage() {
  await requireSection("compliance", "/compliance/reports");
  prefetch(trpc.cases.list.queryOptions({}));
  return (
    <>
      <PageHeader
        title="Reports"
        description="Requests, decisions, grants and executions for a period or a case: CSV, a PDF summary, and a signed evidence bundle that verifies offline."
        actions={
          <Link href="/compliance" className="text-sm whitespace-nowrap text-sky-700 hover:underline">
            ← Compliance
          </Link>
        }
      />
      <ComplianceNav current="/compliance/reports" />
      <HydrateClient>
        <Suspense fallback={<p className="mt-6 text-slate-500">Loading…</p>}>
          <ReportDownloads />
        </Suspense>
      </HydrateClient>
    </>
  );
}
