import type { Metadata } from "next";
import { ComplianceNav } from "@/components/compliance/compliance-nav";
import { FindingsList } from "@/components/compliance/findings-list";
import { PageHeader } from "@/components/ui/page-header";
import { FINDING_SEVERITIES, FINDING_STATUSES } from "@/db/schema/compliance";
import { requireSection } from "@/server/auth/current-user";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Findings" };

type Props = { searchParams: Promise<{ severity?: string; status?: string; detector?: string }> };

export default async function FindingsPage({ searchParams }: Props) {
  await requireSection("compliance", "/compliance/findings");
  const q = await searchParams;
  const filter = {
    severity: FINDING_SEVERITIES.filter((s) => s === q.severity),
    status: FINDING_STATUSES.filter((s) => s === q.status),
    detector: q.detector?.slice(0, 100),
  };
  prefetch(trpc.compliance.findings.list.queryOptions(filter));
  return (
    <>
      <PageHeader
        title="Findings"
        description="What the detectors found, most severe first, and where each stands."
      />
      <ComplianceNav current="/compliance/findings" />
      <HydrateClient>
        <FindingsList filter={filter} />
      </HydrateClient>
    </>
  );
}
