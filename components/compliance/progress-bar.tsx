/** "12 of 40 attested" with a bar; an empty campaign reads as complete (nothing to attest). */
export function ProgressBar({ attested, total }: { attested: number; total: number }) {
  const percent = total === 0 ? 100 : Math.round((attested / total) * 100);
  return (
    <div className="flex items-center gap-2">
      <div
        role="progressbar"
        aria-label="Attested"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={attested}
        className="h-2 w-32 overflow-hidden rounded bg-slate-200"
      >
        <div className="h-full bg-emerald-600" style={{ width: `${percent}%` }} />
      </div>
      <span className="text-xs whitespace-nowrap text-slate-700" data-testid="campaign-progress">
        {attested} of {total} attested
      </span>
    </div>
  );
}
