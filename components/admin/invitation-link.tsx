"use client";

/** The set-password link, shown once: only its hash is kept, so it cannot be shown again. */
export function InvitationLink({ token, expiresAt }: { token: string; expiresAt: Date }) {
  const link = `${window.location.origin}/invite/${token}`;
  return (
    <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm">
      <p className="font-medium text-emerald-900">
        Invitation link — give it to the person; it is shown only now and works once, until{" "}
        {expiresAt.toLocaleString()}:
      </p>
      <input
        readOnly
        aria-label="Invitation link"
        value={link}
        onFocus={(e) => e.target.select()}
        className="mt-1 w-full rounded border border-emerald-300 bg-white px-2 py-1 font-mono text-xs"
      />
    </div>
  );
}
