"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { StepUpPrompt } from "@/components/auth/step-up-prompt";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { fieldError, inputClass } from "@/components/ui/field";
import type { Role } from "@/server/shared/constants";
import type { RouterOutputs } from "@/server/trpc/routers/_app";
import { InvitationLink } from "./invitation-link";
import { RolePicker } from "./role-picker";

type User = RouterOutputs["admin"]["users"]["list"][number];

export function UserTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: me } = useSuspenseQuery(trpc.me.queryOptions());
  const { data: users } = useSuspenseQuery(trpc.admin.users.list.queryOptions());
  const [editing, setEditing] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries(trpc.admin.users.pathFilter());
  const setDisabled = useMutation(trpc.admin.users.setDisabled.mutationOptions({ onSuccess: refresh }));
  const invite = useMutation(trpc.admin.users.invite.mutationOptions());
  const resetFactor = useMutation(trpc.admin.users.resetSecondFactor.mutationOptions({ onSuccess: refresh }));
  const resetName = users.find((u) => u.id === resetFactor.variables?.userId)?.name ?? "";

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
      {invite.error ? (
        <p role="alert" className="border-b border-red-200 bg-red-50 px-4 py-2 text-red-800">
          {invite.error.message}
        </p>
      ) : null}
      <StepUpPrompt
        error={invite.error}
        retry={(secondFactorCode) =>
          invite.variables && invite.mutate({ ...invite.variables, secondFactorCode })
        }
      />
      {resetFactor.error ? (
        <p role="alert" className="border-b border-red-200 bg-red-50 px-4 py-2 text-red-800">
          {resetFactor.error.message}
        </p>
      ) : null}
      <StepUpPrompt
        error={resetFactor.error}
        retry={(secondFactorCode) =>
          resetFactor.variables && resetFactor.mutate({ ...resetFactor.variables, secondFactorCode })
        }
      />
      {resetFactor.data ? (
        <p role="status" className="border-b border-emerald-200 bg-emerald-50 px-4 py-2 text-emerald-900">
          {resetName}’s second factor was reset and their sessions ended ({resetFactor.data.sessionsEnded}).
          They set up a new one when they next sign in.
        </p>
      ) : null}
      {invite.data ? (
        <div className="p-3">
          <InvitationLink token={invite.data.token} expiresAt={invite.data.expiresAt} />
        </div>
      ) : null}
      <table className="w-full text-left">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-2 font-medium">Name</th>
            <th className="px-4 py-2 font-medium">Email</th>
            <th className="px-4 py-2 font-medium">Roles</th>
            <th className="px-4 py-2 font-medium">Clearance</th>
            <th className="px-4 py-2 font-medium">Team</th>
            <th className="px-4 py-2 font-medium">Status</th>
            <th className="px-4 py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((user) => (
            <Fragment key={user.id}>
              <tr>
                <td className="px-4 py-2 font-medium">
                  {user.name}
                  {user.serviceAccount ? <Tag>service</Tag> : null}
                  {user.sso ? <Tag>SSO</Tag> : null}
                </td>
                <td className="px-4 py-2 text-slate-600">{user.email}</td>
                <td className="px-4 py-2">{user.roles.join(", ") || "—"}</td>
                <td className="px-4 py-2">{user.clearance}</td>
                <td className="px-4 py-2">{user.team ?? "—"}</td>
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
                <td className="space-x-1 px-4 py-2 text-right whitespace-nowrap">
                  <Button
                    variant="secondary"
                    className="py-0.5 text-xs"
                    onClick={() => setEditing(editing === user.id ? null : user.id)}
                  >
                    Edit
                  </Button>
                  {!user.hasPassword && !user.sso && !user.disabled ? (
                    <Button
                      variant="secondary"
                      className="py-0.5 text-xs"
                      disabled={invite.isPending}
                      onClick={() => invite.mutate({ userId: user.id })}
                    >
                      New invitation link
                    </Button>
                  ) : null}
                  {user.secondFactor && user.id !== me.id ? (
                    <Button
                      variant="secondary"
                      className="py-0.5 text-xs"
                      disabled={resetFactor.isPending}
                      onClick={() => {
                        if (
                          window.confirm(`Reset ${user.name}’s second factor and sign them out everywhere?`)
                        )
                          resetFactor.mutate({ userId: user.id });
                      }}
                    >
                      Reset second factor
                    </Button>
                  ) : null}
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
              {editing === user.id ? (
                <tr>
                  <td colSpan={7} className="bg-slate-50 px-4 py-3">
                    <UserEditor user={user} onDone={() => setEditing(null)} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Tag({ children }: { children: string }) {
  return (
    <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-600">
      {children}
    </span>
  );
}

function UserEditor({ user, onDone }: { user: User; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const [clearance, setClearance] = useState(user.clearance);
  const [team, setTeam] = useState(user.team ?? "");
  const update = useMutation(
    trpc.admin.users.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.admin.users.pathFilter());
        onDone();
      },
    }),
  );
  const input = { userId: user.id, roles, clearance, team: team.trim() || null };
  return (
    <form
      aria-label={`Edit ${user.name}`}
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate(input);
      }}
    >
      {update.error && !fieldError(update.error, "secondFactorCode") ? (
        <p role="alert" className="text-sm text-red-800">
          {update.error.message}
        </p>
      ) : null}
      <StepUpPrompt
        error={update.error}
        retry={(secondFactorCode) => update.mutate({ ...input, secondFactorCode })}
      />
      {user.sso ? (
        <p className="text-xs text-slate-500">
          Signs in with SSO: roles are set from the identity provider&apos;s groups at each sign-in.
        </p>
      ) : null}
      <div className="flex flex-wrap items-end gap-6">
        <RolePicker value={roles} onChange={setRoles} />
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Clearance
          <select
            className={inputClass}
            value={clearance}
            onChange={(e) => setClearance(Number(e.target.value))}
          >
            {[1, 2, 3, 4].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Team
          <input
            className={inputClass}
            value={team}
            maxLength={60}
            onChange={(e) => setTeam(e.target.value)}
          />
        </label>
        <Button type="submit" disabled={update.isPending}>
          Save
        </Button>
      </div>
    </form>
  );
}
