import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ComplianceNav } from "@/components/compliance/compliance-nav";
import { FindingDetail } from "@/components/compliance/finding-detail";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";
import { fetchOrNotFound, HydrateClient, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Finding" };

type Props = { params: Promise<{ id: string }> };

export default async function FindingPage({ params }: Props) {
  const { id } = await params;
  await requireSection("compliance", `/compliance/findings/${id}`);
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  await fetchOrNotFound(trpc.compliance.findings.get.queryOptions({ findingId: id }));
  return (
    <>
      <PageHeader title="Finding" description="The pattern, the rows behind it, and its triage." />
      <ComplianceNav current="/compliance/findings" />
      <HydrateClient>
        <FindingDetail findingId={id} />
      </HydrateClient>
    </>
  );
}
