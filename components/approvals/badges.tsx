const pill = "inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap";

const RISK: Record<string, string> = {
  low: "bg-slate-100 text-slate-700",
  medium: "bg-amber-100 text-amber-800",
  high: "bg-orange-100 text-orange-800",
  critical: "bg-red-100 text-red-800",
};

export function RiskBadge({ tier }: { tier: string }) {
  return <span className={`${pill} ${RISK[tier] ?? ""}`}>{tier} risk</span>;
}

const STATUS: Record<string, string> = {
  pending: "bg-sky-100 text-sky-800",
  approved: "bg-emerald-100 text-emerald-800",
  denied: "bg-red-100 text-red-800",
  cancelled: "bg-slate-200 text-slate-700",
  expired: "bg-slate-200 text-slate-700",
};

export function RequestStatusBadge({ status }: { status: string }) {
  return <span className={`${pill} ${STATUS[status] ?? ""}`}>{status}</span>;
}
