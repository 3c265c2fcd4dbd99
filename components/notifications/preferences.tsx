"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { FormError } from "@/components/ui/field";

const KINDS: { kind: string; label: string }[] = [
  { kind: "request.new", label: "New requests I may approve" },
  { kind: "request.reminder", label: "Reminders about undecided requests" },
  { kind: "request.escalated", label: "Escalated requests" },
  { kind: "request.decided", label: "Decisions on my requests" },
  { kind: "grant.created", label: "Grants on my requests" },
  { kind: "grant.expiring", label: "My grants about to expire" },
  { kind: "break_glass", label: "Break-glass" },
  { kind: "finding", label: "New high and critical findings" },
  { kind: "campaign.opened", label: "Review campaigns opened" },
  { kind: "campaign.reminder", label: "Review campaign reminders" },
];

const MODES = [
  { mode: "immediate", label: "Mail each one" },
  { mode: "digest", label: "One daily digest" },
  { mode: "off", label: "No mail (this page only)" },
] as const;

export function NotificationPreferences() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: prefs } = useSuspenseQuery(trpc.notifications.preferences.queryOptions());
  const save = useMutation(
    trpc.notifications.setPreferences.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.notifications.pathFilter()),
    }),
  );
  const toggle = (kind: string, on: boolean) =>
    save.mutate({
      emailMode: prefs.emailMode,
      muted: on ? prefs.muted.filter((k) => k !== kind) : [...prefs.muted, kind],
    });
  return (
    <section
      className="mt-4 rounded-md border border-slate-200 bg-white p-4 text-sm"
      aria-label="Preferences"
    >
      <h2 className="font-semibold">What you are told</h2>
      <FormError error={save.error} />
      <fieldset className="mt-3">
        <legend className="text-xs text-slate-500">Mail</legend>
        <div className="mt-1 flex flex-wrap gap-4">
          {MODES.map((m) => (
            <label key={m.mode} className="flex items-center gap-2">
              <input
                type="radio"
                name="emailMode"
                checked={prefs.emailMode === m.mode}
                onChange={() => save.mutate({ emailMode: m.mode, muted: prefs.muted })}
              />
              {m.label}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="mt-3">
        <legend className="text-xs text-slate-500">
          Notifications (security notices about your account always reach you)
        </legend>
        <div className="mt-1 grid gap-1 sm:grid-cols-2">
          {KINDS.map((k) => (
            <label key={k.kind} className="flex items-center gap-2">
              <input
                type="checkbox"
                checked={!prefs.muted.includes(k.kind as (typeof prefs.muted)[number])}
                onChange={(e) => toggle(k.kind, e.target.checked)}
              />
              {k.label}
            </label>
          ))}
        </div>
      </fieldset>
    </section>
  );
}
