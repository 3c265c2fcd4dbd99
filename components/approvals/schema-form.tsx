"use client";

import { Fragment } from "react";
import { Field, inputClass } from "@/components/ui/field";

/** The parts of a JSON Schema property the form understands (from the server's catalogue). */
type Property = {
  type?: string;
  title?: string;
  description?: string;
  enum?: string[];
  format?: string;
  minimum?: number;
  maximum?: number;
  items?: { type?: string; enum?: string[] };
  entityKinds?: string[];
  optionsFrom?: string;
  optionsByValue?: Record<string, string[]>;
};
export type ParamsSchema = { properties?: Record<string, Property>; required?: string[] };
export type Params = Record<string, unknown>;
export type CaseEntity = { id: string; kind: string; value: string; role: string };

/** "2026-11-20T02:14:00Z" ⇄ the value of a datetime-local input, in UTC. */
const toLocal = (iso: unknown) => (typeof iso === "string" ? iso.replace(/Z$/, "").slice(0, 16) : "");
const fromLocal = (v: string) => (v ? `${v.length === 16 ? `${v}:00` : v}Z` : undefined);

/** The first server message about `params.<name>` (or one of its items). */
function errorFor(fieldErrors: Record<string, string[]> | null | undefined, name: string): string | null {
  if (!fieldErrors) return null;
  const key = Object.keys(fieldErrors).find((k) => k === `params.${name}` || k.startsWith(`params.${name}.`));
  return key ? (fieldErrors[key]?.[0] ?? null) : null;
}

/**
 * A form built from an action's parameter schema: enums as selects, date-times in UTC,
 * column lists as checkboxes of the chosen table, and the case's entities offered for
 * parameters that name one. `bounds` (narrowing) limits choices to what was asked for.
 */
export function SchemaForm({
  schema,
  value,
  onChange,
  entities = [],
  fieldErrors,
  idPrefix,
}: {
  schema: ParamsSchema;
  value: Params;
  onChange: (next: Params) => void;
  entities?: CaseEntity[];
  fieldErrors?: Record<string, string[]> | null;
  idPrefix: string;
}) {
  const set = (name: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined || v === "") delete next[name];
    else next[name] = v;
    onChange(next);
  };
  return (
    <div className="grid gap-3 md:grid-cols-2">
      {Object.entries(schema.properties ?? {}).map(([name, p]) => {
        const label = `${p.title ?? name}${schema.required?.includes(name) ? "" : " (optional)"}`;
        const error = errorFor(fieldErrors, name);
        if (p.type === "array") {
          const source = p.optionsFrom ? value[p.optionsFrom] : undefined;
          const options =
            (typeof source === "string" ? p.optionsByValue?.[source] : undefined) ?? p.items?.enum ?? [];
          const chosen = Array.isArray(value[name]) ? (value[name] as string[]) : [];
          return (
            <fieldset key={name} className="md:col-span-2">
              <legend className="text-xs font-medium text-slate-600">{label}</legend>
              {options.length === 0 ? <p className="text-xs text-slate-500">Choose a table first.</p> : null}
              <div className="mt-1 flex flex-wrap gap-3">
                {options.map((o) => (
                  <label key={o} className="flex items-center gap-1 text-sm">
                    <input
                      type="checkbox"
                      checked={chosen.includes(o)}
                      onChange={(e) =>
                        set(name, e.target.checked ? [...chosen, o] : chosen.filter((c) => c !== o))
                      }
                    />
                    <span className="font-mono">{o}</span>
                  </label>
                ))}
              </div>
              {error ? <p className="text-xs text-red-700">{error}</p> : null}
            </fieldset>
          );
        }
        if (p.enum) {
          return (
            <Field key={name} label={label} error={error}>
              <select
                className={inputClass}
                value={typeof value[name] === "string" ? value[name] : ""}
                onChange={(e) => {
                  // A new table has other columns: the chosen ones no longer apply.
                  const dependants = Object.entries(schema.properties ?? {}).filter(
                    ([, q]) => q.optionsFrom === name,
                  );
                  const next: Params = { ...value, [name]: e.target.value };
                  for (const [d] of dependants) delete next[d];
                  onChange(next);
                }}
              >
                <option value="">Choose…</option>
                {p.enum.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            </Field>
          );
        }
        if (p.type === "integer" || p.type === "number") {
          return (
            <Field key={name} label={label} error={error}>
              <input
                type="number"
                className={inputClass}
                min={p.minimum}
                max={p.maximum}
                value={typeof value[name] === "number" ? String(value[name]) : ""}
                onChange={(e) => set(name, e.target.value === "" ? undefined : Number(e.target.value))}
              />
            </Field>
          );
        }
        if (p.format === "date-time") {
          return (
            <Field key={name} label={label} error={error}>
              <input
                type="datetime-local"
                className={inputClass}
                value={toLocal(value[name])}
                onChange={(e) => set(name, fromLocal(e.target.value))}
              />
            </Field>
          );
        }
        const offered = p.entityKinds ? entities.filter((e) => p.entityKinds?.includes(e.kind)) : [];
        const listId = `${idPrefix}-${name}-entities`;
        return (
          <Fragment key={name}>
            <Field
              label={label}
              error={error}
              hint={offered.length ? "Suspects of the case are offered" : undefined}
            >
              <input
                className={inputClass}
                list={offered.length ? listId : undefined}
                value={typeof value[name] === "string" ? value[name] : ""}
                onChange={(e) => set(name, e.target.value)}
              />
            </Field>
            {offered.length ? (
              <datalist id={listId}>
                {offered.map((e) => (
                  <option key={e.id} value={e.value}>
                    {`${e.kind} · ${e.role}`}
                  </option>
                ))}
              </datalist>
            ) : null}
          </Fragment>
        );
      })}
    </div>
  );
}
