import type { Metadata } from "next";
import { CaseList } from "@/components/cases/case-list";
import { NewCaseForm } from "@/components/cases/new-case-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";

export const metadata: Metadata = { title: "Cases" };

export default async function CasesPage() {
  const user = await requireSection("cases");
  const canOpen = user.roles.includes("investigator");
  return (
    <>
      <PageHeader
        title="Cases"
        description={
          user.roles.includes("compliance") && !canOpen
            ? "Every case, read-only, for review."
            : "Incident cases you are a member of: timeline, suspects, evidence and notes."
        }
      />
      {canOpen ? (
        <div className="mt-4">
          <NewCaseForm />
        </div>
      ) : null}
      <CaseList />
    </>
  );
}
