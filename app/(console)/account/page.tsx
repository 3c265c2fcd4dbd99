import type { Metadata } from "next";
import { MySessions } from "@/components/account/my-sessions";
import { SecondFactor } from "@/components/account/second-factor";
import { MyTokens } from "@/components/tokens/my-tokens";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/server/auth/current-user";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  await requireUser("/account");
  prefetch(trpc.account.sessions.queryOptions());
  prefetch(trpc.account.secondFactor.status.queryOptions());
  prefetch(trpc.account.sudo.queryOptions());
  prefetch(trpc.tokens.mine.queryOptions());
  return (
    <>
      <PageHeader
        title="Your account"
        description="Where you are signed in, and your second factor. End any session you do not recognise; it stops working on its next request."
      />
      <HydrateClient>
        <MySessions />
        <SecondFactor />
        <MyTokens />
      </HydrateClient>
    </>
  );
}
