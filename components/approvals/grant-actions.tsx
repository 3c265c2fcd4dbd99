"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { StepUpPrompt } from "@/components/auth/step-up-prompt";
import { FormError } from "@/components/ui/field";

/** Saves a JSON document as a file in the browser. */
function saveJson(fileName: string, value: unknown) {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

/**
 * The grantee's controls on a grant: run it (or, for an evidence export, download the
 * package) — asked for an authenticator code where the policy wants one from the executor —
 * and "I'm done" to end it early.
 */
export function GrantActions({
  caseId,
  grant,
  actionKey,
  live,
}: {
  caseId: string;
  grant: { id: string; scope: Record<string, unknown> };
  actionKey: string;
  live: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.requests.pathFilter());
  const execute = useMutation(
    trpc.actions.execute.mutationOptions({
      onSuccess: (result) => {
        if (result.package) {
          saveJson(
            `${result.package.caseKey}-${result.package.evidence.name}.evidence-package.json`,
            result.package,
          );
        }
      },
      onSettled: async () => {
        await refresh();
        await queryClient.invalidateQueries(trpc.cases.timeline.pathFilter());
        await queryClient.invalidateQueries(trpc.cases.evidence.pathFilter());
      },
    }),
  );
  const revoke = useMutation(trpc.actions.revokeGrant.mutationOptions({ onSuccess: refresh }));
  const isExport = actionKey === "evidence.export";
  return (
    <div className="mt-1">
      <span className="inline-flex flex-wrap items-end gap-2">
        {/* A spent, expired or revoked grant offers nothing to run. */}
        {live ? (
          <Button
            type="button"
            onClick={() => execute.mutate({ caseId, grantId: grant.id, params: grant.scope })}
            disabled={execute.isPending}
          >
            {isExport ? "Download package" : "Run now"}
          </Button>
        ) : null}
        {live ? (
          <Button
            type="button"
            variant="secondary"
            onClick={() => revoke.mutate({ grantId: grant.id, reason: "Done with it" })}
          >
            I&apos;m done
          </Button>
        ) : null}
      </span>
      {execute.data ? (
        <p
          role="status"
          className={`mt-1 ${execute.data.status === "failed" ? "text-red-800" : "text-emerald-800"}`}
        >
          {execute.data.status === "failed" ? "Failed: " : ""}
          {execute.data.summary}
        </p>
      ) : null}
      <div className="mt-1">
        <FormError error={execute.error ?? revoke.error} />
      </div>
      <StepUpPrompt
        error={execute.error}
        retry={(secondFactorCode) =>
          execute.variables && execute.mutate({ ...execute.variables, secondFactorCode })
        }
      />
    </div>
  );
}
