import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { SecurityNotices } from "@/components/account/security-notices";
import { Logo } from "@/components/ui/logo";
import { MobileNav } from "./mobile-nav";
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
      <aside className="hidden w-52 shrink-0 flex-col gap-6 bg-slate-900 px-3 py-4 text-slate-100 md:flex">
        <Link href="/" className="px-3">
          <Logo />
        </Link>
        <NavLinks items={sections} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-12 items-center justify-between gap-2 border-b border-slate-200 bg-white px-3 md:justify-end md:px-4">
          <MobileNav items={sections} />
          <Suspense fallback={<span className="text-slate-400">…</span>}>
            <UserMenu />
          </Suspense>
        </header>
        <main className="min-w-0 flex-1 p-3 sm:p-4 md:p-6">
          <Suspense fallback={null}>
            <SecurityNotices />
          </Suspense>
          {children}
        </main>
      </div>
    </div>
  );
}
