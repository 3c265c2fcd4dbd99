"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "@/components/trpc/client";

/**
 * Keeps request views current: the server streams the ids of requests that changed and
 * concern this user; the queries that show requests, grants and timelines refetch.
 */
export function useLiveRequests() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.requests.pathFilter());
    void queryClient.invalidateQueries(trpc.cases.timeline.pathFilter());
    void queryClient.invalidateQueries(trpc.cases.evidence.pathFilter());
  };
  useSubscription(
    trpc.requests.live.subscriptionOptions(undefined, {
      // Once connected (and after every reconnect), catch up on what changed while not listening.
      onStarted: refresh,
      onData: refresh,
    }),
  );
}
