import type { Metadata } from "next";
import { ComplianceNav } from "@/components/compliance/compliance-nav";
import { DetectorSettings } from "@/components/compliance/detector-settings";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Detectors" };

export default async function DetectorsPage() {
  await requireSection("compliance", "/compliance/detectors");
  prefetch(trpc.compliance.detectors.list.queryOptions());
  return (
    <>
      <PageHeader
        title="Detectors"
        description="The anomaly detectors that watch the approval process, run every minute. Thresholds apply from the next run."
      />
      <ComplianceNav current="/compliance/detectors" />
      <HydrateClient>
        <DetectorSettings />
      </HydrateClient>
    </>
  );
}
