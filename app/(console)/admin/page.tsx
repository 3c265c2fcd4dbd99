import type { Metadata } from "next";
import { Suspense } from "react";
import { ActionCatalogue } from "@/components/admin/action-catalogue";
import { Connectors } from "@/components/admin/connectors";
import { NewUserForm } from "@/components/admin/new-user-form";
import { UserTable } from "@/components/admin/user-table";
import { WorkerStatus } from "@/components/admin/worker-status";
import { AdminTokens } from "@/components/tokens/admin-tokens";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/current-user";
import { prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  await requireSection("admin");
  prefetch(trpc.admin.users.list.queryOptions());
  prefetch(trpc.admin.actionTypes.list.queryOptions());
  prefetch(trpc.admin.connectors.list.queryOptions());
  prefetch(trpc.tokens.all.queryOptions());
  return (
    <>
      <PageHeader
        title="Admin"
        description="People who can use Casefile, their roles and clearance, the policy of each response action, and the connectors that carry actions out."
      />
      <WorkerStatus />
      <Suspense fallback={<p className="mt-6 text-slate-500">Loading users…</p>}>
        <NewUserForm />
        <UserTable />
      </Suspense>
      <Suspense fallback={<p className="mt-6 text-slate-500">Loading tokens…</p>}>
        <AdminTokens />
      </Suspense>
      <Suspense fallback={<p className="mt-6 text-slate-500">Loading the action catalogue…</p>}>
        <ActionCatalogue />
      </Suspense>
      <Suspense fallback={<p className="mt-6 text-slate-500">Loading connectors…</p>}>
        <Connectors />
      </Suspense>
    </>
  );
}
