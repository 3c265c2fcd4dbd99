import type { Metadata } from "next";
import Link from "next/link";
import { CampaignList } from "@/components/compliance/campaign-list";
import { OpenCampaignForm } from "@/components/compliance/open-campaign-form";
import { ComplianceNav } from "@/components/compliance/compliance-nav";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Review campaigns" };

export default async function CampaignsPage() {
  await requireSection("compliance", "/compliance/campaigns");
  prefetch(trpc.campaigns.list.queryOptions());
  return (
    <>
      <PageHeader
        title="Review campaigns"
        description="Periodic reviews of the approval process: every decision of a period, attested appropriate or inappropriate."
        actions={
          <Link href="/compliance" className="text-sm text-sky-700 hover:underline">
            Compliance
          </Link>
        }
      />
      <ComplianceNav current="/compliance/campaigns" />
      <OpenCampaignForm />
      <HydrateClient>
        <CampaignList />
      </HydrateClient>
    </>
  );
}
