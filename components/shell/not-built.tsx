/** Shown by sections whose features have not been built yet, so nobody mistakes them for empty data. */
export function NotBuilt({ children }: { children: React.ReactNode }) {
  return (
    <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-6">
      <p className="font-medium text-slate-800">Not built yet</p>
      <p className="mt-1 max-w-prose text-slate-600">{children}</p>
    </div>
  );
}
