import type { Metadata } from "next";
import { NotBuilt } from "@/components/shell/not-built";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";

export const metadata: Metadata = { title: "Ledger" };

export default async function LedgerPage() {
  await requireSection("ledger");
  return (
    <>
      <PageHeader
        title="Ledger"
        description="The tamper-evident audit ledger: every request, decision, grant, execution and admin change."
      />
      <NotBuilt>
        The ledger explorer, inclusion proofs and whole-ledger verification arrive with the audit ledger
        feature.
      </NotBuilt>
    </>
  );
}
