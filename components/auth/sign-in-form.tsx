"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";

const MESSAGES: Record<string, string> = {
  AccountDisabled: "This account is disabled. Contact an administrator.",
  SignInLocked: "Too many wrong passwords or codes. Sign-in is locked for this account for up to 15 minutes.",
  SecondFactorRequired: "Enter the code from your authenticator app (or a recovery code).",
  SecondFactorInvalid: "That code is not right, or was already used.",
  CredentialsSignin: "Email or password is incorrect.",
  PasswordSignInOff: "Password sign-in is turned off; use single sign-on.",
  SsoNoRole: "Your organisation's groups give you no role in Casefile. Ask an administrator.",
  SsoEmailUnverified:
    "Your identity provider has not verified your email address, so it cannot be used to sign in here.",
  SsoIdentityConflict: "This account is linked to another identity, or cannot use single sign-on.",
  SsoEmailUnusable:
    "Your email address holds characters that could be mistaken for others, so no account is made for it. Ask an administrator.",
  SsoBadClaims: "The identity provider did not say who you are (subject and email are needed).",
  SsoClaimsTooLarge:
    "The identity provider sent more than Casefile accepts (an identifier, address or list of groups too long). Ask an administrator.",
  SsoFailed: "Single sign-on failed on our side. Try again, or contact an administrator.",
  SignInFailed: "Sign-in failed on our side. Try again, or contact an administrator.",
  AccessDenied: "Sign-in was refused.",
  OAuthSignin: "Single sign-on could not start. Try again, or contact an administrator.",
  OAuthCallback: "Single sign-on did not complete. Try again.",
  Callback: "Single sign-on did not complete. Try again.",
};

const message = (code: string | null | undefined) => MESSAGES[code ?? ""] ?? "Sign-in failed. Try again.";

export function SignInForm({
  callbackUrl,
  sso,
  passwordSignIn,
  initialError,
}: {
  callbackUrl: string;
  /** The single sign-on provider, when configured. */
  sso: { id: string; name: string } | null;
  passwordSignIn: boolean;
  /** An error code next-auth sent back in the address (a refused single sign-on). */
  initialError: string | null;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(initialError ? message(initialError) : null);
  const [pending, setPending] = useState(false);
  const [needsCode, setNeedsCode] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === "string" ? value : "";
    };
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: field("email"),
      password: field("password"),
      code: field("code"),
      redirect: false,
    });
    if (result?.error === "SecondFactorRequired" || result?.error === "SecondFactorInvalid")
      setNeedsCode(true);
    if (!result || result.error) {
      setPending(false);
      setError(message(result?.error));
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  const alert = error ? (
    <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800">
      {error}
    </p>
  ) : null;
  const ssoButton = sso ? (
    <Button
      type="button"
      variant={passwordSignIn ? "secondary" : "primary"}
      className="py-2"
      onClick={() => void signIn(sso.id, { callbackUrl })}
    >
      Sign in with {sso.name}
    </Button>
  ) : null;
  if (!passwordSignIn) {
    return (
      <div className="flex flex-col gap-4">
        {alert}
        {ssoButton}
      </div>
    );
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} className="flex flex-col gap-4" noValidate>
      {alert}
      {ssoButton}
      {ssoButton ? (
        <p className="text-center text-xs text-slate-500">or with your email and password</p>
      ) : null}
      <label className="flex flex-col gap-1">
        <span className="font-medium">Email</span>
        <input
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          className="rounded-md border border-slate-300 px-3 py-2"
        />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Password</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="rounded-md border border-slate-300 px-3 py-2"
        />
      </label>
      {needsCode ? (
        <label className="flex flex-col gap-1">
          <span className="font-medium">Authenticator code</span>
          <input
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            autoFocus
            className="rounded-md border border-slate-300 px-3 py-2 font-mono"
          />
        </label>
      ) : null}
      <Button type="submit" disabled={pending} className="py-2">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
