import type { Metadata } from "next";
import { NotificationList } from "@/components/notifications/notification-list";
import { NotificationPreferences } from "@/components/notifications/preferences";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/server/auth/current-user";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/rsc";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  await requireUser("/notifications");
  prefetch(trpc.notifications.list.queryOptions());
  prefetch(trpc.notifications.preferences.queryOptions());
  return (
    <>
      <PageHeader
        title="Notifications"
        description="What Casefile told you, by mail or only here, and what you want to be told."
      />
      <HydrateClient>
        <NotificationPreferences />
        <NotificationList />
      </HydrateClient>
    </>
  );
}
