import { parse } from "csv-parse/sync";
import {
  ENTITY_KINDS,
  ENTITY_ROLES,
  EVENT_RELATIONS,
  type EntityKind,
  type EntityRole,
  type EventRelation,
} from "@/db/schema/cases";
import { DomainError } from "../errors";
import { normaliseEntityValue } from "./normalise";

export type ImportFormat = "csv" | "jsonl";
export type ImportEntityRef = { relation: EventRelation; kind: EntityKind; value: string; role?: EntityRole };
export type ImportRow = {
  /** 1-based line of the file where the row starts. */
  line: number;
  occurredAt: Date;
  title: string;
  description: string;
  category: string | null;
  attackTechnique: string | null;
  starred: boolean;
  entities: ImportEntityRef[];
  raw: Record<string, unknown>;
};
export type ImportProblem = { line: number; reason: string };

export const IMPORT_LIMITS = { maxBytes: 5_000_000, maxRows: 5_000 };

const whole = (message: string) => new DomainError("BAD_REQUEST", message, { field: "content" });

/** A row-level problem: the row is skipped and reported, the rest of the file goes on. */
class RowProblem extends Error {}

// ISO 8601 date-time with an explicit offset: a time without a zone is ambiguous in an incident.
const ZONED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function occurredAt(field: string, value: unknown): Date {
  const text = typeof value === "string" ? value.trim() : "";
  if (!text) throw new RowProblem(`${field}: required`);
  const m = ZONED.exec(text);
  const date = new Date(text);
  if (!m || Number.isNaN(date.getTime())) {
    throw new RowProblem(`${field}: not a date and time with a time zone ("${text.slice(0, 40)}")`);
  }
  // new Date() rolls 2026-02-30 over to March; a real date reads back the same day.
  const [, y, mo, d] = m;
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) {
    throw new RowProblem(`${field}: no such date ("${text.slice(0, 40)}")`);
  }
  const year = date.getUTCFullYear();
  if (year < 1970 || year > 2100) throw new RowProblem(`${field}: year ${year} is out of range`);
  return date;
}

function text(field: string, value: unknown, max: number, required = false): string {
  if (value !== undefined && value !== null && typeof value !== "string") {
    throw new RowProblem(`${field}: must be text`);
  }
  const trimmed = (value ?? "").trim();
  if (required && !trimmed) throw new RowProblem(`${field}: required`);
  if (trimmed.length > max) throw new RowProblem(`${field}: longer than ${max} characters`);
  return trimmed;
}

function technique(field: string, value: unknown): string | null {
  const id = text(field, value, 20).toUpperCase();
  if (!id) return null;
  if (!/^T\d{4}(\.\d{3})?$/.test(id)) {
    throw new RowProblem(`${field}: "${id}" is not an ATT&CK technique id like T1110 or T1110.004`);
  }
  return id;
}

function starred(field: string, value: unknown): boolean {
  if (typeof value === "boolean") return value;
  const t = text(field, value, 10).toLowerCase();
  if (["", "false", "no", "0"].includes(t)) return false;
  if (["true", "yes", "1"].includes(t)) return true;
  throw new RowProblem(`${field}: "${t}" is not true or false`);
}

function entity(
  field: string,
  relation: unknown,
  kind: unknown,
  value: unknown,
  role?: unknown,
): ImportEntityRef {
  if (!EVENT_RELATIONS.includes(relation as EventRelation)) {
    throw new RowProblem(
      `${field}: unknown relation ${JSON.stringify(relation) ?? "(none)"} (use ${EVENT_RELATIONS.join(", ")})`,
    );
  }
  if (!ENTITY_KINDS.includes(kind as EntityKind)) {
    throw new RowProblem(`${field}: unknown kind ${JSON.stringify(kind) ?? "(none)"}`);
  }
  if (role !== undefined && !ENTITY_ROLES.includes(role as EntityRole)) {
    throw new RowProblem(`${field}: unknown role ${JSON.stringify(role)}`);
  }
  if (typeof value !== "string") throw new RowProblem(`${field}: value must be text`);
  try {
    const normalised = normaliseEntityValue(kind as EntityKind, value);
    return {
      relation: relation as EventRelation,
      kind: kind as EntityKind,
      value: normalised,
      ...(role ? { role: role as EntityRole } : {}),
    };
  } catch (error) {
    if (error instanceof DomainError) throw new RowProblem(`${field}: ${error.message}`);
    throw error;
  }
}

function dedupe(refs: ImportEntityRef[]): ImportEntityRef[] {
  if (refs.length > 50) throw new RowProblem("entities: more than 50 on one event");
  return [...new Map(refs.map((r) => [`${r.relation}\u0000${r.kind}\u0000${r.value}`, r])).values()];
}

function csvEntities(cell: string): ImportEntityRef[] {
  const items = cell
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
  return dedupe(
    items.map((item) => {
      const first = item.indexOf(":");
      const second = first < 0 ? -1 : item.indexOf(":", first + 1);
      if (second < 0) throw new RowProblem(`entities: "${item}" needs relation:kind:value`);
      return entity("entities", item.slice(0, first), item.slice(first + 1, second), item.slice(second + 1));
    }),
  );
}

function parseCsv(content: string): { rows: ImportRow[]; problems: ImportProblem[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(content, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw whole(`The CSV could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [header, ...data] = records;
  if (!header) throw whole("The file is empty");
  const columns = header.record.map((c) => c.trim().toLowerCase());
  for (const required of ["occurred_at", "title"]) {
    if (!columns.includes(required)) {
      throw whole(`The CSV header needs an "${required}" column (found: ${columns.join(", ") || "none"})`);
    }
  }
  if (data.length > IMPORT_LIMITS.maxRows)
    throw whole(`More than ${IMPORT_LIMITS.maxRows} rows; split the file`);
  const rows: ImportRow[] = [];
  const problems: ImportProblem[] = [];
  for (const { record, info } of data) {
    // info.lines is where the record ends; quoted newlines inside it move its start up.
    const line = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    try {
      if (record.length !== columns.length) {
        throw new RowProblem(`has ${record.length} columns, the header has ${columns.length}`);
      }
      const cell = Object.fromEntries(columns.map((c, i) => [c, (record[i] ?? "").trim()]));
      rows.push({
        line,
        occurredAt: occurredAt("occurred_at", cell.occurred_at),
        title: text("title", cell.title, 300, true),
        description: text("description", cell.description, 20_000),
        category: text("category", cell.category, 100) || null,
        attackTechnique: technique("attack_technique", cell.attack_technique),
        starred: starred("starred", cell.starred),
        entities: csvEntities(cell.entities ?? ""),
        raw: cell,
      });
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      problems.push({ line, reason: error.message });
    }
  }
  return { rows, problems };
}

function parseJsonLines(content: string): { rows: ImportRow[]; problems: ImportProblem[] } {
  const lines = content.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines.filter((l) => l.trim()).length > IMPORT_LIMITS.maxRows) {
    throw whole(`More than ${IMPORT_LIMITS.maxRows} rows; split the file`);
  }
  const rows: ImportRow[] = [];
  const problems: ImportProblem[] = [];
  lines.forEach((source, index) => {
    const line = index + 1;
    if (!source.trim()) return;
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(source);
      } catch {
        throw new RowProblem("not valid JSON");
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new RowProblem("not a JSON object");
      }
      const o = parsed as Record<string, unknown>;
      if (o.entities !== undefined && !Array.isArray(o.entities))
        throw new RowProblem("entities: must be a list");
      const refs = ((o.entities as unknown[] | undefined) ?? []).map((e, i) => {
        if (typeof e !== "object" || e === null) throw new RowProblem(`entities.${i}: must be an object`);
        const r = e as Record<string, unknown>;
        return entity(`entities.${i}`, r.relation, r.kind, r.value, r.role);
      });
      rows.push({
        line,
        occurredAt: occurredAt("occurredAt", o.occurredAt),
        title: text("title", o.title, 300, true),
        description: text("description", o.description, 20_000),
        category: text("category", o.category, 100) || null,
        attackTechnique: technique("attackTechnique", o.attackTechnique),
        starred: o.starred === undefined ? false : starred("starred", o.starred),
        entities: dedupe(refs),
        raw:
          typeof o.raw === "object" && o.raw !== null && !Array.isArray(o.raw)
            ? (o.raw as Record<string, unknown>)
            : o,
      });
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      problems.push({ line, reason: error.message });
    }
  });
  if (rows.length === 0 && problems.length === 0) throw whole("The file is empty");
  return { rows, problems };
}

/**
 * Parses and validates a timeline file. Whole-file faults (too big, no header,
 * unreadable) throw; a bad row becomes a problem with its line and reason.
 */
export function parseTimelineImport(
  format: ImportFormat,
  content: string,
): { rows: ImportRow[]; problems: ImportProblem[] } {
  if (Buffer.byteLength(content, "utf8") > IMPORT_LIMITS.maxBytes) {
    throw whole(`The file is larger than ${IMPORT_LIMITS.maxBytes / 1_000_000} MB`);
  }
  if (!content.trim()) throw whole("The file is empty");
  return format === "csv" ? parseCsv(content) : parseJsonLines(content);
}
