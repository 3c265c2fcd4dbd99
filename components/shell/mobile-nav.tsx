"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { NavLinks } from "./nav-links";

/**
 * Below the medium breakpoint the sidebar folds into a "Menu" button that opens the same
 * links over the page; it closes on navigation, on Escape and on a tap outside.
 */
export function MobileNav({ items }: { items: { href: string; label: string }[] }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const panel = useRef<HTMLDivElement>(null);
  const [shownFor, setShownFor] = useState(pathname);
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector("a")?.focus();
    const close = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    document.addEventListener("keydown", close);
    return () => document.removeEventListener("keydown", close);
  }, [open]);
  return (
    <div className="md:hidden">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="mobile-nav"
        onClick={() => setOpen((v) => !v)}
        className="flex items-center gap-2 rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium"
      >
        <span aria-hidden="true">☰</span> Menu
      </button>
      {open ? (
        <div className="fixed inset-0 z-30 flex" id="mobile-nav">
          <div
            ref={panel}
            className="flex w-64 max-w-[80vw] flex-col gap-4 bg-slate-900 px-3 py-4 text-slate-100 shadow-xl"
          >
            <button
              type="button"
              onClick={() => setOpen(false)}
              className="self-end rounded px-2 py-1 text-sm text-slate-300 hover:text-white"
            >
              Close menu
            </button>
            <NavLinks items={items} />
          </div>
          <button
            type="button"
            aria-label="Close menu"
            tabIndex={-1}
            className="flex-1 bg-slate-900/40"
            onClick={() => setOpen(false)}
          />
        </div>
      ) : null}
    </div>
  );
}
