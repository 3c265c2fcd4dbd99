import { cloneElement, isValidElement, useId, type ReactNode } from "react";

export const inputClass =
  "w-full min-w-0 max-w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus:border-sky-600 focus:outline-none focus:ring-1 focus:ring-sky-600 aria-[invalid=true]:border-red-500";

type ControlProps = { id?: string; "aria-invalid"?: boolean; "aria-describedby"?: string };

/**
 * A labelled form control with its error (from the server's `fieldErrors`) or hint below it.
 * The label points at the control by id, so its accessible name is the label alone (a wrapping
 * label would add a select's current option to it), and the message is its description.
 */
export function Field({
  label,
  error,
  hint,
  children,
  className = "",
}: {
  label: string;
  error?: string | null;
  hint?: string;
  children: ReactNode;
  className?: string;
}) {
  const id = useId();
  const message = error ?? hint;
  const element = isValidElement<ControlProps>(children) ? children : null;
  const controlId = element ? (element.props.id ?? id) : undefined;
  const control = element
    ? cloneElement(element, {
        id: controlId,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": message ? `${id}-message` : undefined,
      })
    : children;
  return (
    <div className={`flex min-w-0 flex-col gap-1 text-xs font-medium text-slate-600 ${className}`}>
      <label htmlFor={controlId}>{label}</label>
      {control}
      {message ? (
        <span id={`${id}-message`} className={`font-normal ${error ? "text-red-700" : "text-slate-500"}`}>
          {message}
        </span>
      ) : null}
    </div>
  );
}

/** The first server message for `field`, from a tRPC error's `data.fieldErrors`. */
export function fieldError(error: unknown, field: string): string | null {
  const data = (error as { data?: { fieldErrors?: Record<string, string[]> | null } } | null)?.data;
  return data?.fieldErrors?.[field]?.[0] ?? null;
}

export function FormError({ error }: { error: { message: string; data?: unknown } | null }) {
  if (!error) return null;
  const signedOut = (error.data as { code?: string } | null | undefined)?.code === "UNAUTHORIZED";
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {signedOut ? <SignInAgain /> : error.message}
    </div>
  );
}

/**
 * The session ended (signed out elsewhere, expired, revoked): say so and offer sign-in in a
 * new tab, so what is typed on this page stays here to send once signed in again.
 */
function SignInAgain() {
  const here = typeof window === "undefined" ? "/" : window.location.pathname + window.location.search;
  return (
    <span className="flex flex-wrap items-center gap-2">
      <span>Your session has ended. What you typed is kept on this page.</span>
      <a
        href={`/sign-in?callbackUrl=${encodeURIComponent(here)}`}
        target="_blank"
        rel="noopener"
        className="rounded-md bg-slate-900 px-2.5 py-1 font-medium text-white hover:bg-slate-700"
      >
        Sign in again
      </a>
      <span className="text-xs text-red-900">then send it again.</span>
    </span>
  );
}
