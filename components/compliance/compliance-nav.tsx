import Link from "next/link";

const LINKS = [
  { href: "/compliance", label: "Overview" },
  { href: "/compliance/findings", label: "Findings" },
  { href: "/compliance/detectors", label: "Detectors" },
  { href: "/compliance/campaigns", label: "Review campaigns" },
  { href: "/compliance/reports", label: "Reports" },
] as const;

export function ComplianceNav({ current }: { current: (typeof LINKS)[number]["href"] }) {
  return (
    <nav aria-label="Compliance" className="mt-4 flex flex-wrap gap-1 border-b border-slate-200">
      {LINKS.map((l) => (
        <Link
          key={l.href}
          href={l.href}
          aria-current={l.href === current ? "page" : undefined}
          className={`px-3 py-1.5 text-sm ${l.href === current ? "border-b-2 border-sky-600 font-medium" : "text-slate-600 hover:text-slate-900"}`}
        >
          {l.label}
        </Link>
      ))}
    </nav>
  );
}
