import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ComplianceNav } from "@/components/compliance/compliance-nav";
import { periodFrom } from "@/components/compliance/period";
import { RowsTable } from "@/components/compliance/rows-table";
import { PageHeader } from "@/components/ui/page-header";
import { DRILL_KINDS } from "@/server/compliance/dashboard";
import { requireSection } from "@/server/auth/current-user";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Rows behind a figure" };

type Props = {
  searchParams: Promise<{ from?: string; to?: string; team?: string; kind?: string; userId?: string }>;
};

export default async function RowsPage({ searchParams }: Props) {
  await requireSection("compliance", "/compliance");
  const q = await searchParams;
  const kind = DRILL_KINDS.find((k) => k === q.kind);
  if (!kind) notFound();
  const userId = q.userId && /^[0-9a-f-]{36}$/i.test(q.userId) ? q.userId : undefined;
  const input = { ...periodFrom(q), kind, userId };
  prefetch(trpc.compliance.rows.queryOptions(input));
  return (
    <>
      <PageHeader
        title={`Rows behind: ${kind.replaceAll("_", " ")}`}
        description="The requests a dashboard figure counts."
      />
      <ComplianceNav current="/compliance" />
      <HydrateClient>
        <RowsTable input={input} />
      </HydrateClient>
    </>
  );
}
