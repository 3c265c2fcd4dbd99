"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { StepUpPrompt } from "@/components/auth/step-up-prompt";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import type { Role } from "@/server/shared/constants";
import { InvitationLink } from "./invitation-link";
import { RolePicker } from "./role-picker";

const FIELDS = ["name", "email", "clearance", "roles", "secondFactorCode"];
const EMPTY = { name: "", email: "", roles: [] as Role[], clearance: 1, serviceAccount: false };

/** Adds a person (or a service account); the invitation link appears once, below. */
export function NewUserForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState(EMPTY);
  const create = useMutation(
    trpc.admin.users.create.mutationOptions({
      onSuccess: () => {
        setDraft(EMPTY);
        void queryClient.invalidateQueries(trpc.admin.users.pathFilter());
      },
    }),
  );
  const invitation = create.data?.invitation;
  return (
    <section aria-label="Add a person" className="mt-6 space-y-3">
      {invitation ? <InvitationLink token={invitation.token} expiresAt={invitation.expiresAt} /> : null}
      {create.data && !invitation ? (
        <p role="status" className="text-sm text-emerald-800">
          Added. They sign in with single sign-on.
        </p>
      ) : null}
      {open ? (
        <form
          aria-label="New person"
          className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(draft);
          }}
        >
          {/* Errors about one field show beside it; the rest here. */}
          <FormError error={FIELDS.some((f) => fieldError(create.error, f)) ? null : create.error} />
          <StepUpPrompt
            error={create.error}
            retry={(secondFactorCode) => create.mutate({ ...draft, secondFactorCode })}
          />
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="Name" error={fieldError(create.error, "name")}>
              <input
                className={inputClass}
                value={draft.name}
                onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              />
            </Field>
            <Field
              label="Email"
              error={fieldError(create.error, "email")}
              hint="One person's own address: shared addresses are refused."
            >
              <input
                type="email"
                className={inputClass}
                value={draft.email}
                onChange={(e) => setDraft({ ...draft, email: e.target.value })}
              />
            </Field>
            <Field label="Clearance" error={fieldError(create.error, "clearance")}>
              <select
                className={inputClass}
                value={draft.clearance}
                onChange={(e) => setDraft({ ...draft, clearance: Number(e.target.value) })}
              >
                {[1, 2, 3, 4].map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </Field>
            <div>
              <RolePicker value={draft.roles} onChange={(roles) => setDraft({ ...draft, roles })} />
              {fieldError(create.error, "roles") ? (
                <p className="text-xs text-red-700">{fieldError(create.error, "roles")}</p>
              ) : null}
            </div>
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={draft.serviceAccount}
              onChange={(e) => setDraft({ ...draft, serviceAccount: e.target.checked })}
            />
            Service account (used by a system, not a person; never approves)
          </label>
          <div className="flex gap-2">
            <Button type="submit" disabled={create.isPending}>
              Add person
            </Button>
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Close
            </Button>
          </div>
        </form>
      ) : (
        <Button onClick={() => setOpen(true)}>Add a person</Button>
      )}
    </section>
  );
}
