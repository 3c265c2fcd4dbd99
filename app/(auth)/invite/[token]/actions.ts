"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { acceptInvitation } from "@/server/admin/invitations";
import { getDb } from "@/server/db";
import { DomainError } from "@/server/errors";
import { requestMetaFrom } from "@/server/request-meta";

/** Sets the invited person's password; then they sign in like anyone else. */
export async function choosePassword(
  _state: { error: string | null },
  form: FormData,
): Promise<{ error: string | null }> {
  const value = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  if (value("password") !== value("confirm")) return { error: "The two passwords differ" };
  try {
    await acceptInvitation(
      getDb(),
      { token: value("token"), password: value("password") },
      requestMetaFrom(await headers()),
    );
  } catch (error) {
    if (error instanceof DomainError) return { error: error.message };
    throw error;
  }
  redirect("/sign-in?invited=1");
}
