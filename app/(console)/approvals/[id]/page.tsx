import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RequestReview } from "@/components/approvals/review";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";
import { fetchOrNotFound, HydrateClient, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Review request" };

type Props = { params: Promise<{ id: string }> };

export default async function ReviewPage({ params }: Props) {
  const { id } = await params;
  await requireSection("approvals", `/approvals/${id}`);
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  // NOT_FOUND alike for a missing request and one not routed to this approver.
  await fetchOrNotFound(trpc.requests.review.queryOptions({ requestId: id }));
  return (
    <>
      <PageHeader
        title="Review request"
        description="Everything the decision needs, assembled from the case."
      />
      <div className="mt-4">
        <HydrateClient>
          <RequestReview requestId={id} />
        </HydrateClient>
      </div>
    </>
  );
}
