const SEVERITY = {
  1: ["Low", "bg-slate-100 text-slate-700"],
  2: ["Medium", "bg-amber-100 text-amber-800"],
  3: ["High", "bg-orange-100 text-orange-800"],
  4: ["Critical", "bg-red-100 text-red-800"],
} as const;

const pill = "inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap";

export function SeverityBadge({ severity }: { severity: number }) {
  const [label, colour] = SEVERITY[severity as keyof typeof SEVERITY] ?? SEVERITY[1];
  return <span className={`${pill} ${colour}`}>{`S${severity} ${label}`}</span>;
}

const STATUS_COLOUR: Record<string, string> = {
  new: "bg-sky-100 text-sky-800",
  triage: "bg-violet-100 text-violet-800",
  investigating: "bg-amber-100 text-amber-800",
  contained: "bg-emerald-100 text-emerald-800",
  closed: "bg-slate-200 text-slate-700",
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`${pill} ${STATUS_COLOUR[status] ?? ""}`}>{status}</span>;
}

const TLP_COLOUR: Record<string, string> = {
  clear: "bg-white text-slate-700 border border-slate-300",
  green: "bg-emerald-700 text-white",
  amber: "bg-amber-500 text-black",
  amber_strict: "bg-amber-500 text-black",
  red: "bg-red-700 text-white",
};

export function TlpBadge({ tlp }: { tlp: string }) {
  const label = tlp === "amber_strict" ? "AMBER+STRICT" : tlp.toUpperCase();
  return <span className={`${pill} font-mono ${TLP_COLOUR[tlp] ?? ""}`}>{`TLP:${label}`}</span>;
}

export function Pill({ children, className = "" }: { children: React.ReactNode; className?: string }) {
  return <span className={`${pill} bg-slate-100 text-slate-700 ${className}`}>{children}</span>;
}
