import { IMPORT_LIMITS, parseTimelineImport } from "../cases/import-parse";
import { DomainError } from "../errors";

const bad = (field: string, message: string) =>
  new DomainError("BAD_REQUEST", `${field}: ${message}`, { field });

/**
 * `{ events: [...] }` as the importer's JSON lines, checked by the importer's own parser first:
 * one bad event refuses the whole batch (naming `events.<i>.<field>`), so nothing is half-written.
 */
export function batchContent(body: Record<string, unknown>): string {
  const events = body.events;
  if (!Array.isArray(events)) throw bad("events", "a list of events is required");
  if (events.length === 0) throw bad("events", "at least one event");
  if (events.length > IMPORT_LIMITS.maxRows) throw bad("events", `at most ${IMPORT_LIMITS.maxRows} events`);
  const lines = events.map((event, i) => {
    if (typeof event !== "object" || event === null || Array.isArray(event)) {
      throw bad(`events.${i}`, "must be an object");
    }
    return JSON.stringify(event);
  });
  const content = lines.join("\n");
  let problems;
  try {
    problems = parseTimelineImport("jsonl", content).problems;
  } catch (error) {
    if (error instanceof DomainError) throw bad("events", error.message);
    throw error;
  }
  const [first] = problems;
  if (first) {
    const m = /^([\w.]+): (.*)$/s.exec(first.reason);
    const index = first.line - 1;
    throw m ? bad(`events.${index}.${m[1]}`, m[2] ?? "") : bad(`events.${index}`, first.reason);
  }
  return content;
}
