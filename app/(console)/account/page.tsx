import type { Metadata } from "next";
import { MySessions } from "@/components/account/my-sessions";
import { SecondFactor } from "@/components/account/second-factor";
import { MyTokens } from "@/components/tokens/my-tokens";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/server/auth/current-user";
import { mustEnrolFirst } from "@/server/auth/second-factor";
import { env } from "@/server/env";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const user = await requireUser("/account");
  prefetch(trpc.account.sessions.queryOptions());
  prefetch(trpc.account.secondFactor.status.queryOptions());
  prefetch(trpc.account.sudo.queryOptions());
  prefetch(trpc.me.queryOptions());
  // Until a required second factor is set up, only the account's own procedures answer.
  if (!mustEnrolFirst(user, env().CASEFILE_REQUIRE_SECOND_FACTOR)) prefetch(trpc.tokens.mine.queryOptions());
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
