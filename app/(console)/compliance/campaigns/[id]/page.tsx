import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CampaignDetail } from "@/components/compliance/campaign-detail";
import { ComplianceNav } from "@/components/compliance/compliance-nav";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";
import { fetchOrNotFound, HydrateClient, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Review campaign" };

type Props = { params: Promise<{ id: string }> };

export default async function CampaignPage({ params }: Props) {
  const { id } = await params;
  await requireSection("compliance", `/compliance/campaigns/${id}`);
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  // The same input the page starts with on the client, so the prefetched page is used.
  const { campaign } = await fetchOrNotFound(
    trpc.campaigns.get.queryOptions({ campaignId: id, filter: "all", offset: 0 }),
  );
  return (
    <>
      <PageHeader
        title={campaign.title}
        description="Attest each decision: appropriate, or inappropriate with a note. Nobody attests a decision they made or a request they asked for."
        actions={
          <Link href="/compliance/campaigns" className="text-sm text-sky-700 hover:underline">
            All campaigns
          </Link>
        }
      />
      <ComplianceNav current="/compliance/campaigns" />
      <HydrateClient>
        <CampaignDetail campaignId={id} />
      </HydrateClient>
    </>
  );
}
