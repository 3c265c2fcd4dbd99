import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInCodeForm } from "@/components/auth/sign-in-code-form";
import { SignInForm } from "@/components/auth/sign-in-form";
import { getCurrentUser, getPendingSignIn } from "@/server/auth/current-user";
import { OIDC_PROVIDER_ID } from "@/server/auth/options";
import { oidcConfig } from "@/server/auth/oidc";
import { safeReturnPath } from "@/server/auth/return-to";
import { env } from "@/server/env";
import { confirmSignInCode } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { callbackUrl, error, invited } = await searchParams;
  const returnTo = safeReturnPath(callbackUrl);
  if (await getCurrentUser()) redirect(returnTo);
  const pending = await getPendingSignIn();
  if (pending) {
    return (
      <AuthCard title="Confirm it’s you">
        <SignInCodeForm email={pending.email} callbackUrl={returnTo} action={confirmSignInCode} />
      </AuthCard>
    );
  }
  const sso = oidcConfig();
  return (
    <AuthCard title="Sign in to Casefile">
      {invited ? (
        <p role="status" className="mb-4 text-emerald-800">
          Your password is set. Sign in with it.
        </p>
      ) : null}
      <SignInForm
        callbackUrl={returnTo}
        sso={sso ? { id: OIDC_PROVIDER_ID, name: sso.name } : null}
        passwordSignIn={env().CASEFILE_PASSWORD_SIGN_IN === "true"}
        initialError={typeof error === "string" ? error : null}
      />
    </AuthCard>
  );
}
