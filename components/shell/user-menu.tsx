"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { signOut } from "next-auth/react";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/components/trpc/client";

export function UserMenu() {
  const trpc = useTRPC();
  const { data: me } = useSuspenseQuery(trpc.me.queryOptions());
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !ref.current?.contains(e.target as Node))
        setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  return (
    <div ref={ref} className="relative">
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
        className="flex items-center gap-2 rounded-md px-2 py-1 hover:bg-slate-100"
      >
        <span className="flex h-7 w-7 items-center justify-center rounded-full bg-slate-800 text-xs font-semibold text-white">
          {me.name
            .split(/\s+/)
            .map((p) => p[0])
            .join("")
            .slice(0, 2)}
        </span>
        <span className="hidden font-medium sm:inline">{me.name}</span>
      </button>
      {open ? (
        <div
          role="menu"
          className="absolute right-0 z-20 mt-1 w-64 rounded-md border border-slate-200 bg-white p-1 shadow-lg"
        >
          <div className="border-b border-slate-100 px-3 py-2">
            <p className="font-medium">{me.name}</p>
            <p className="truncate text-slate-500">{me.email}</p>
            <p className="mt-1 text-xs text-slate-500">
              {me.roles.join(", ") || "no roles"} · clearance {me.clearance}
            </p>
          </div>
          <Link
            href="/account"
            role="menuitem"
            onClick={() => setOpen(false)}
            className="mt-1 block w-full rounded px-3 py-1.5 text-left hover:bg-slate-100"
          >
            Your account
          </Link>
          <Link
            href="/notifications"
            role="menuitem"
            onClick={() => setOpen(false)}
            className="mt-1 block w-full rounded px-3 py-1.5 text-left hover:bg-slate-100"
          >
            Notifications
          </Link>
          <button
            type="button"
            role="menuitem"
            onClick={() => void signOut({ callbackUrl: "/sign-in" })}
            className="mt-1 w-full rounded px-3 py-1.5 text-left hover:bg-slate-100"
          >
            Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}
