import Link from "next/link";
import { ENTITY_KIND_LABELS, type EntityKind } from "@/server/shared/constants";

const ROLE_COLOUR: Record<string, string> = {
  suspect: "border-red-200 bg-red-50 text-red-900",
  victim: "border-sky-200 bg-sky-50 text-sky-900",
  affected: "border-amber-200 bg-amber-50 text-amber-900",
};

/** An entity as it appears on an event: its relation, kind and value, coloured by its role in the case. */
export function EntityChip({
  entity,
  href,
}: {
  entity: { kind: EntityKind; value: string; role: string; relation?: string };
  href: string;
}) {
  return (
    <Link
      href={href}
      title={`${ENTITY_KIND_LABELS[entity.kind]} · ${entity.role}`}
      className={`inline-flex max-w-full items-center gap-1 rounded border px-1.5 py-0.5 text-xs hover:underline ${ROLE_COLOUR[entity.role] ?? ""}`}
    >
      {entity.relation ? <span className="text-[10px] uppercase opacity-70">{entity.relation}</span> : null}
      <span className="truncate font-mono">{entity.value}</span>
    </Link>
  );
}
