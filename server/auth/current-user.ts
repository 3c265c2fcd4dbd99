import "server-only";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "../db";
import { env } from "../env";
import { mustEnrolFirst } from "./second-factor";
import { canOpen, SECTIONS, type SectionKey } from "./sections";
import { resolveRequestUser, sessionIdOf } from "./request-user";
import { loadPendingSession, type SessionUser } from "./sessions";

/** The signed-in user for this request, read from the database (never from the token alone). */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> =>
  resolveRequestUser(getDb(), await headers()),
);

/** A single sign-on in this browser that still waits for the TOTP code, or null. */
export async function getPendingSignIn() {
  const sessionId = sessionIdOf(await headers());
  if (!sessionId) return null;
  const pending = await loadPendingSession(getDb(), sessionId);
  return pending ? { ...pending, sessionId } : null;
}

export async function requireUser(returnTo = "/"): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

/**
 * For a console page: signed in (else sign-in), with a second factor where policy requires
 * one for the user's role (else Your account, to set it up), and allowed to open the
 * section (else 404).
 */
export async function requireSection(key: SectionKey, returnTo?: string): Promise<SessionUser> {
  const section = SECTIONS.find((s) => s.key === key);
  const user = await requireUser(returnTo ?? section?.href);
  if (mustEnrolFirst(user, env().CASEFILE_REQUIRE_SECOND_FACTOR)) redirect("/account");
  if (!canOpen(user.roles, key)) notFound();
  return user;
}
