import type { Metadata } from "next";
import { NotBuilt } from "@/components/shell/not-built";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  await requireSection("approvals");
  return (
    <>
      <PageHeader title="Approvals" description="Requests for response actions waiting for your decision." />
      <NotBuilt>
        The live approval queue, with each request's case context and policy explanation, arrives with the
        just-in-time approvals feature.
      </NotBuilt>
    </>
  );
}
