"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatUtc } from "@/components/cases/format";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, fieldError, FormError, inputClass } from "@/components/ui/field";
import { ConfirmIdentity } from "./confirm-identity";

/**
 * Two-factor set-up and replacement: confirm it's you (sudo mode), scan the QR code, confirm
 * with a code, keep the recovery codes.
 */
export function SecondFactor() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: status } = useSuspenseQuery(trpc.account.secondFactor.status.queryOptions());
  const { data: me } = useSuspenseQuery(trpc.me.queryOptions());
  const { data: sudo } = useSuspenseQuery(trpc.account.sudo.queryOptions());
  const [confirming, setConfirming] = useState(false);
  const begin = useMutation(
    trpc.account.secondFactor.begin.mutationOptions({
      // Sudo mode ran out in the meantime: ask for the proof.
      onError: (error) => {
        if (error.data?.code === "PRECONDITION_FAILED") setConfirming(true);
      },
    }),
  );
  const confirm = useMutation(
    trpc.account.secondFactor.confirm.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.account.pathFilter());
        await queryClient.invalidateQueries(trpc.me.queryFilter());
      },
    }),
  );
  const [code, setCode] = useState("");
  // Nothing to ask when the session is in sudo mode, or a fresh single sign-on stands in and no factor exists yet.
  const start = () => {
    if (sudo.active || (!sudo.password && !sudo.code)) begin.mutate({});
    else setConfirming(true);
  };

  return (
    <section
      className="mt-8 rounded-md border border-slate-200 bg-white p-4"
      aria-label="Two-factor authentication"
    >
      <h2 className="font-semibold">Two-factor authentication</h2>
      {me.mustEnrolFirst && !confirm.data ? (
        <p
          role="alert"
          className="mt-1 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {me.secondFactorReset
            ? "An administrator reset your second factor. Set up a new one here before you do anything else."
            : "Your role requires two-factor authentication. Set it up here before you do anything else."}
        </p>
      ) : null}
      {confirm.data ? (
        <div className="mt-2" role="status">
          <p className="text-sm text-emerald-800">
            Two-factor authentication is on. Keep these recovery codes somewhere safe; each works once, and
            they are not shown again. Your other sessions were signed out.
          </p>
          <ul className="mt-2 grid grid-cols-2 gap-1 font-mono text-sm" aria-label="Recovery codes">
            {confirm.data.recoveryCodes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </div>
      ) : begin.data ? (
        <form
          aria-label="Confirm two-factor set-up"
          className="mt-2 space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            confirm.mutate({ code });
          }}
        >
          <p className="text-sm">Scan this with your authenticator app, then enter the code it shows.</p>
          {/* The SVG is generated on the server from the otpauth URI; it holds no script. */}
          <div className="h-44 w-44" dangerouslySetInnerHTML={{ __html: begin.data.qrSvg }} />
          <p className="text-xs text-slate-600">
            Or enter the key by hand: <code data-testid="totp-secret">{begin.data.secret}</code>
          </p>
          <Field label="Code from the app" error={fieldError(confirm.error, "code")}>
            <input
              className={inputClass}
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </Field>
          <FormError error={confirm.error} />
          <Button type="submit" disabled={confirm.isPending}>
            Turn on
          </Button>
        </form>
      ) : confirming ? (
        <ConfirmIdentity
          needs={sudo}
          error={begin.error}
          pending={begin.isPending}
          onConfirm={(proof) => begin.mutate(proof)}
          onCancel={() => {
            setConfirming(false);
            begin.reset();
          }}
        />
      ) : status.enabled ? (
        <div className="mt-1">
          <p className="text-sm text-slate-700">
            On since {status.enabledAt ? formatUtc(status.enabledAt) : "—"} · {status.recoveryLeft} recovery
            codes left. Sign-in asks for a code, and high-risk approvals ask for a fresh one.
          </p>
          <Button
            type="button"
            variant="secondary"
            className="mt-2"
            onClick={start}
            disabled={begin.isPending}
          >
            Replace your authenticator
          </Button>
        </div>
      ) : (
        <div className="mt-2">
          <p className="text-sm text-slate-700">
            Off. Approvers need it for high-risk approvals; every account should have it.
          </p>
          <Button type="button" className="mt-2" onClick={start} disabled={begin.isPending}>
            Set up two-factor authentication
          </Button>
          <FormError error={begin.error} />
        </div>
      )}
    </section>
  );
}
