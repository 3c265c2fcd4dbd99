import type { ReactNode } from "react";
import { Logo } from "@/components/ui/logo";

export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100 p-6">
      <div className="w-full max-w-sm">
        <Logo className="mb-6 text-lg text-slate-900" />
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="mb-4 text-base font-semibold">{title}</h1>
          {children}
        </div>
      </div>
    </main>
  );
}
