/**
 * What an approver's narrowing changed, line by line, in words a requester reads at a glance:
 * "from: 2026-11-19 00:00 → 2026-11-20 00:00", "columns: − user_agent", "rowCap: 1000 → 200 rows".
 * Shown while the approver edits, on the requester's grant and on the ledger entry.
 */
export type Ask = { params: Record<string, unknown>; minutes: number | null; uses: number | null };
export type Change = { field: string; text: string };

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const UNITS: Record<string, string> = { rowCap: "rows", limit: "rows", maxRows: "rows" };

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(value: unknown, field: string, time: (d: Date) => string): string {
  if (typeof value === "string" && INSTANT.test(value)) return time(new Date(value));
  if (typeof value === "number") return `${value}${UNITS[field] ? ` ${UNITS[field]}` : ""}`;
  if (value === null || value === undefined || value === "") return "(none)";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function narrowingChanges(requested: Ask, granted: Ask, time: (d: Date) => string): Change[] {
  const changes: Change[] = [];
  const keys = [...new Set([...Object.keys(requested.params), ...Object.keys(granted.params)])];
  for (const field of keys) {
    const before = requested.params[field];
    const after = granted.params[field];
    if (same(before, after)) continue;
    if (Array.isArray(before) || Array.isArray(after)) {
      const was = (Array.isArray(before) ? before : []).map(String);
      const now = (Array.isArray(after) ? after : []).map(String);
      const parts = [
        ...was.filter((v) => !now.includes(v)).map((v) => `− ${v}`),
        ...now.filter((v) => !was.includes(v)).map((v) => `+ ${v}`),
      ];
      if (parts.length) changes.push({ field, text: parts.join(", ") });
      continue;
    }
    if (after === undefined) {
      changes.push({ field, text: `− ${show(before, field, time)}` });
      continue;
    }
    const unit = UNITS[field];
    changes.push({
      field,
      text:
        unit && typeof before === "number" && typeof after === "number"
          ? `${before} → ${after} ${unit}`
          : `${show(before, field, time)} → ${show(after, field, time)}`,
    });
  }
  if (granted.minutes !== null && requested.minutes !== null && granted.minutes !== requested.minutes)
    changes.push({ field: "duration", text: `${requested.minutes} min → ${granted.minutes} min` });
  if (granted.uses !== null && requested.uses !== null && granted.uses !== requested.uses)
    changes.push({ field: "uses", text: `${requested.uses} → ${granted.uses}` });
  return changes;
}
