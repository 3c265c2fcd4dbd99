export function Logo({ className = "" }: { className?: string }) {
  return (
    <span className={`inline-flex items-center gap-2 font-semibold tracking-tight ${className}`}>
      <svg viewBox="0 0 20 20" aria-hidden className="h-5 w-5">
        <rect x="2" y="3" width="16" height="14" rx="2" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="M2 7h16M6 11h5M6 14h8" stroke="currentColor" strokeWidth="1.6" />
      </svg>
      Casefile
    </span>
  );
}
