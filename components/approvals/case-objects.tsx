import { formatBytes, formatUtc } from "@/components/cases/format";
import type { RouterOutputs } from "@/server/trpc/routers/_app";

type CaseObject = RouterOutputs["requests"]["review"]["caseObjects"][number];

/** The case records a request's parameters name, shown as the records themselves, not ids. */
export function CaseObjects({ objects }: { objects: CaseObject[] }) {
  if (objects.length === 0) return null;
  return (
    <div className="mt-3 space-y-2" aria-label="Records named by the request">
      {objects.map((o) => (
        <div
          key={`${o.field}-${o.id}`}
          className={`rounded border p-2 text-sm ${o.found ? "border-slate-200 bg-slate-50" : "border-red-300 bg-red-50"}`}
        >
          <p className="font-medium">
            {o.kind === "evidence" ? "Evidence item" : o.kind === "event" ? "Timeline event" : "Entity"}:{" "}
            {o.name}
          </p>
          {o.sha256 ? (
            <p className="break-all font-mono text-xs text-slate-600" title="SHA-256">
              SHA-256 {o.sha256}
            </p>
          ) : null}
          {o.sizeBytes !== undefined ? (
            <p className="text-xs text-slate-600">{formatBytes(o.sizeBytes)}</p>
          ) : null}
          {o.custody?.length ? (
            <ol className="mt-1 text-xs text-slate-600" aria-label="Custody so far">
              {o.custody.map((c) => (
                <li key={`${c.action}-${c.at.toISOString()}`}>
                  {c.action} by {c.actorName} · {formatUtc(c.at)}
                  {c.note ? ` — ${c.note}` : ""}
                </li>
              ))}
            </ol>
          ) : null}
        </div>
      ))}
    </div>
  );
}
