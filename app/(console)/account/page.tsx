import type { Metadata } from "next";
import { MySessions } from "@/components/account/my-sessions";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/server/auth/current-user";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Your sessions" };

export default async function AccountPage() {
  await requireUser("/account");
  prefetch(trpc.account.sessions.queryOptions());
  return (
    <>
      <PageHeader
        title="Your sessions"
        description="Where you are signed in. End any session you do not recognise; it stops working on its next request."
      />
      <HydrateClient>
        <MySessions />
      </HydrateClient>
    </>
  );
}
