"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { StepUpPrompt } from "@/components/auth/step-up-prompt";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";

export function UserTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: me } = useSuspenseQuery(trpc.me.queryOptions());
  const { data: users } = useSuspenseQuery(trpc.admin.users.list.queryOptions());
  const setDisabled = useMutation(
    trpc.admin.users.setDisabled.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.admin.users.pathFilter()),
    }),
  );

  return (
    <div className="mt-6 overflow-hidden rounded-lg border border-slate-200 bg-white">
      {setDisabled.error ? (
        <p role="alert" className="border-b border-red-200 bg-red-50 px-4 py-2 text-red-800">
          {setDisabled.error.message}
        </p>
      ) : null}
      <StepUpPrompt
        error={setDisabled.error}
        retry={(secondFactorCode) =>
          setDisabled.variables && setDisabled.mutate({ ...setDisabled.variables, secondFactorCode })
        }
      />
      <table className="w-full text-left">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-2 font-medium">Name</th>
            <th className="px-4 py-2 font-medium">Email</th>
            <th className="px-4 py-2 font-medium">Roles</th>
            <th className="px-4 py-2 font-medium">Clearance</th>
            <th className="px-4 py-2 font-medium">Status</th>
            <th className="px-4 py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((user) => (
            <tr key={user.id}>
              <td className="px-4 py-2 font-medium">{user.name}</td>
              <td className="px-4 py-2 text-slate-600">{user.email}</td>
              <td className="px-4 py-2">{user.roles.join(", ") || "—"}</td>
              <td className="px-4 py-2">{user.clearance}</td>
              <td className="px-4 py-2">
                {user.disabled ? (
                  <span className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800">
                    Disabled
                  </span>
                ) : (
                  <span className="rounded bg-emerald-100 px-1.5 py-0.5 text-xs font-medium text-emerald-800">
                    Active
                  </span>
                )}
              </td>
              <td className="px-4 py-2 text-right">
                {user.id === me.id ? null : (
                  <Button
                    variant={user.disabled ? "secondary" : "danger"}
                    className="py-0.5 text-xs"
                    disabled={setDisabled.isPending}
                    onClick={() => setDisabled.mutate({ userId: user.id, disabled: !user.disabled })}
                  >
                    {user.disabled ? "Enable" : "Disable"}
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
