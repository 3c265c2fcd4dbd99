import type { ReactNode } from "react";
import { ConsoleShell } from "@/components/shell/console-shell";
import { getCurrentUser } from "@/server/auth/current-user";
import { sectionsFor } from "@/server/auth/sections";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  // Signed out: every console page redirects to sign-in itself, naming its own path to return to.
  if (!user) return children;
  prefetch(trpc.me.queryOptions());
  prefetch(trpc.account.notices.queryOptions());
  const sections = sectionsFor(user.roles).map(({ href, label }) => ({ href, label }));
  return (
    <HydrateClient>
      <ConsoleShell sections={sections}>{children}</ConsoleShell>
    </HydrateClient>
  );
}
