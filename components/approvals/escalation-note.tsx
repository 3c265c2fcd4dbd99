"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";

function ago(at: Date): string {
  const minutes = Math.max(0, Math.round((Date.now() - at.getTime()) / 60_000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

/** "escalated 5 min ago" / "reminded 2 min ago" under a queued request. */
export function useEscalations(requestIds: string[]) {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.notifications.escalations.queryOptions({ requestIds }));
  return (requestId: string) => {
    const steps = (data ?? []).filter((s) => s.requestId === requestId);
    const step = steps.find((s) => s.stage === "escalation") ?? steps[0];
    if (!step) return null;
    return (
      <span
        data-testid="escalation-note"
        className={`block text-xs ${step.stage === "escalation" ? "text-red-700" : "text-amber-700"}`}
      >
        {step.stage === "escalation" ? "escalated" : "reminded"} {ago(new Date(step.at))}
      </span>
    );
  };
}
