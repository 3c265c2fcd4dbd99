import type { Metadata } from "next";
import { BreakGlassReviews } from "@/components/approvals/break-glass-reviews";
import { ApprovalQueue } from "@/components/approvals/queue";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  await requireSection("approvals");
  prefetch(trpc.requests.queue.queryOptions());
  prefetch(trpc.requests.breakGlassReviews.queryOptions());
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Requests for response actions waiting for your decision, most urgent first. New ones appear here as they arrive."
      />
      <HydrateClient>
        <ApprovalQueue />
        <BreakGlassReviews />
      </HydrateClient>
    </>
  );
}
