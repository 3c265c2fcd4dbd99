import type { Metadata } from "next";
import { ChatLinks } from "@/components/notifications/chat-links";
import { NotificationList } from "@/components/notifications/notification-list";
import { NotificationPreferences } from "@/components/notifications/preferences";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/server/auth/current-user";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const code = (await searchParams)["chat-link"];
  await requireUser(
    typeof code === "string" ? `/notifications?chat-link=${encodeURIComponent(code)}` : "/notifications",
  );
  prefetch(trpc.notifications.list.queryOptions());
  prefetch(trpc.notifications.preferences.queryOptions());
  prefetch(trpc.notifications.chatLinks.queryOptions());
  return (
    <>
      <PageHeader
        title="Notifications"
        description="What Casefile told you, by mail or only here, and what you want to be told."
      />
      <HydrateClient>
        <ChatLinks code={typeof code === "string" ? code : null} />
        <NotificationPreferences />
        <NotificationList />
      </HydrateClient>
    </>
  );
}
