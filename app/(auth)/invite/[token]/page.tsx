import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { ChoosePasswordForm } from "@/components/auth/choose-password-form";
import { peekInvitation, PASSWORD_MIN_LENGTH } from "@/server/admin/invitations";
import { getDb } from "@/server/db";
import { choosePassword } from "./actions";

export const metadata: Metadata = { title: "Choose your password" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await peekInvitation(getDb(), token);
  if (!invitation) {
    return (
      <AuthCard title="This link no longer works">
        <p className="text-slate-600">
          It has expired or was already used. Ask your administrator for a new invitation link.
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={`Welcome, ${invitation.name}`}>
      <ChoosePasswordForm
        email={invitation.email}
        token={token}
        minLength={PASSWORD_MIN_LENGTH}
        action={choosePassword}
      />
    </AuthCard>
  );
}
