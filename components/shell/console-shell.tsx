import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { SecurityNotices } from "@/components/account/security-notices";
import { Logo } from "@/components/ui/logo";
import { NavLinks } from "./nav-links";
import { UserMenu } from "./user-menu";

export function ConsoleShell({
  sections,
  children,
}: {
  sections: { href: string; label: string }[];
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-screen">
      <aside className="flex w-52 shrink-0 flex-col gap-6 bg-slate-900 px-3 py-4 text-slate-100">
        <Link href="/" className="px-3">
          <Logo />
        </Link>
        <NavLinks items={sections} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-12 items-center justify-end border-b border-slate-200 bg-white px-4">
          <Suspense fallback={<span className="text-slate-400">…</span>}>
            <UserMenu />
          </Suspense>
        </header>
        <main className="flex-1 p-6">
          <Suspense fallback={null}>
            <SecurityNotices />
          </Suspense>
          {children}
        </main>
      </div>
    </div>
  );
}
