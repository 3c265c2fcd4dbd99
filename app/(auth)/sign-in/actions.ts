"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getPendingSignIn } from "@/server/auth/current-user";
import { completeSecondFactor } from "@/server/auth/oidc";
import { safeReturnPath } from "@/server/auth/return-to";
import { getDb } from "@/server/db";
import { requestMetaFrom } from "@/server/request-meta";

const MESSAGES = {
  no_pending_sign_in: "This sign-in has ended. Sign in again.",
  locked: "Too many wrong passwords or codes. Sign-in is locked for this account for up to 15 minutes.",
  invalid_code: "That code is not right, or was already used.",
} as const;

/** The code prompt after single sign-on, for someone enrolled in TOTP. */
export async function confirmSignInCode(
  _state: { error: string | null },
  form: FormData,
): Promise<{ error: string | null }> {
  const pending = await getPendingSignIn();
  if (!pending) return { error: MESSAGES.no_pending_sign_in };
  const code = form.get("code");
  const result = await completeSecondFactor(
    getDb(),
    pending.sessionId,
    typeof code === "string" ? code : "",
    requestMetaFrom(await headers()),
  );
  if (!result.ok) return { error: MESSAGES[result.reason] };
  const returnTo = form.get("callbackUrl");
  redirect(safeReturnPath(typeof returnTo === "string" ? returnTo : undefined));
}
