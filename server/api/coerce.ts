/**
 * JSON and query strings carry no dates or numbers of their own: the procedure's own zod
 * input schema says where they are, and these walk it to turn text into what it expects.
 * Whatever cannot be turned is left as it is, for the schema to refuse with the field named.
 */
type Def = {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  options?: unknown[];
  in?: unknown;
  left?: unknown;
  right?: unknown;
};

const defOf = (schema: unknown): Def | null => (schema as { _zod?: { def?: Def } } | null)?._zod?.def ?? null;

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

/** The schema under optional/nullable/default wrappers and pipes. */
export function unwrap(schema: unknown): Def | null {
  let def = defOf(schema);
  while (def && (WRAPPERS.has(def.type) || def.type === "pipe")) {
    def = defOf(def.type === "pipe" ? def.in : def.innerType);
  }
  return def;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** JSON text → Date wherever the schema expects a date. */
export function reviveDates(schema: unknown, value: unknown): unknown {
  const def = unwrap(schema);
  if (!def) return value;
  switch (def.type) {
    case "date": {
      if (typeof value !== "string") return value;
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? value : date;
    }
    case "object": {
      if (!isPlainObject(value) || !def.shape) return value;
      const shape = def.shape;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, k in shape ? reviveDates(shape[k], v) : v]),
      );
    }
    case "array":
      return Array.isArray(value) ? value.map((v) => reviveDates(def.element, v)) : value;
    case "union":
      return (def.options ?? []).reduce((v: unknown, option) => reviveDates(option, v), value);
    case "intersection":
      return reviveDates(def.right, reviveDates(def.left, value));
    default:
      return value;
  }
}

/** Query parameters → the input object the schema expects (numbers, booleans, dates, lists). */
export function fromQuery(
  schema: unknown,
  query: URLSearchParams,
  skip: readonly string[] = [],
): Record<string, unknown> {
  const shape = unwrap(schema)?.shape ?? {};
  const out: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    if (skip.includes(key)) continue;
    const values = query.getAll(key);
    const target = unwrap(shape[key])?.type;
    const one = values[0] ?? "";
    if (target === "array") out[key] = values;
    else if (target === "number")
      out[key] = one.trim() !== "" && Number.isFinite(Number(one)) ? Number(one) : one;
    else if (target === "boolean") out[key] = one === "true" ? true : one === "false" ? false : one;
    else out[key] = reviveDates(shape[key], one);
  }
  return out;
}
