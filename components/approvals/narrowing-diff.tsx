import { formatUtc } from "@/components/cases/format";
import { type Ask, narrowingChanges } from "./narrowing";

/** Requested against approved, one changed field per line; nothing when nothing changed. */
export function NarrowingDiff({
  requested,
  granted,
  title = "Narrowed by the approver",
  empty,
}: {
  requested: Ask;
  granted: Ask;
  title?: string;
  empty?: string;
}) {
  const changes = narrowingChanges(requested, granted, formatUtc);
  if (changes.length === 0) return empty ? <p className="mt-2 text-xs text-slate-500">{empty}</p> : null;
  return (
    <div className="mt-2 rounded border border-amber-200 bg-amber-50 p-2 text-sm" data-testid="narrowing">
      <p className="text-xs font-medium text-amber-900">{title} (requested → approved)</p>
      <ul className="mt-1 space-y-0.5">
        {changes.map((c) => (
          <li key={c.field} data-field={c.field}>
            <span className="text-slate-600">{c.field}:</span>{" "}
            <span className="font-mono text-xs [overflow-wrap:anywhere]">{c.text}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
