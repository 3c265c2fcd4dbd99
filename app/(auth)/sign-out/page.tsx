import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { getCurrentUser } from "@/server/auth/current-user";

export const metadata: Metadata = { title: "Sign out" };

export default async function SignOutPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  return (
    <AuthCard title="Sign out">
      <p className="mb-4 text-slate-600">
        Signed in as <span className="font-medium text-slate-900">{user.email}</span>. Signing out ends this
        session on the server.
      </p>
      <SignOutButton />
    </AuthCard>
  );
}
