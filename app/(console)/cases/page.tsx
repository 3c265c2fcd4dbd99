import type { Metadata } from "next";
import { NotBuilt } from "@/components/shell/not-built";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";

export const metadata: Metadata = { title: "Cases" };

export default async function CasesPage() {
  await requireSection("cases");
  return (
    <>
      <PageHeader
        title="Cases"
        description="Incident cases you are a member of: timeline, suspects, evidence and notes."
      />
      <NotBuilt>
        Case workspaces — timeline, suspect entities, evidence and notes — arrive with the case workspace
        feature.
      </NotBuilt>
    </>
  );
}
