/**
 * The ledger's events: every entry type the application writes, with what the explorer calls it
 * and the schema of its payload. Writers (`appendLedger`), detectors, the explorer, reconciliation
 * and the SIEM mapping name event types only through this union.
 */
import type { z } from "zod";
import { AUTH_EVENTS, ADMIN_EVENTS } from "./auth";
import { CASE_EVENTS } from "./cases";
import { COMPLIANCE_EVENTS } from "./compliance";
import { REQUEST_EVENTS } from "./requests";

export const LEDGER_EVENTS = {
  ...AUTH_EVENTS,
  ...ADMIN_EVENTS,
  ...CASE_EVENTS,
  ...REQUEST_EVENTS,
  ...COMPLIANCE_EVENTS,
};

/** The domains, for checking that no two declare the same type. */
export const EVENT_DOMAINS = { AUTH_EVENTS, ADMIN_EVENTS, CASE_EVENTS, REQUEST_EVENTS, COMPLIANCE_EVENTS };

export type LedgerEventType = keyof typeof LEDGER_EVENTS;

/** What a writer passes as the payload of a `T` entry. */
export type LedgerPayload<T extends LedgerEventType> = z.input<(typeof LEDGER_EVENTS)[T]["payload"]>;

/** The payload of a `T` entry as a reader gets it back from the schema. */
export type ParsedPayload<T extends LedgerEventType> = z.output<(typeof LEDGER_EVENTS)[T]["payload"]>;

export const LEDGER_EVENT_TYPES = Object.keys(LEDGER_EVENTS) as LedgerEventType[];

export function isLedgerEventType(type: unknown): type is LedgerEventType {
  return typeof type === "string" && Object.hasOwn(LEDGER_EVENTS, type);
}

/** The explorer's name for a type; a type this version does not know is shown as written. */
export function eventLabel(type: string | null): string {
  if (type === null) return "unreadable entry";
  return isLedgerEventType(type) ? LEDGER_EVENTS[type].label : type;
}

/** Why `payload` is not a valid `type` payload (field paths named), or null when it is. */
export function payloadProblem(type: string, payload: unknown): string | null {
  if (!isLedgerEventType(type)) return `unknown event type "${type}"`;
  const result = LEDGER_EVENTS[type].payload.safeParse(payload);
  if (result.success) return null;
  return result.error.issues
    .map((i) => `${i.path.length ? i.path.join(".") : "payload"}: ${i.message}`)
    .join("; ");
}

/** A `T` entry's payload read with its schema; null when it does not match (e.g. an older shape). */
export function readPayload<T extends LedgerEventType>(type: T, payload: unknown): ParsedPayload<T> | null {
  const result = LEDGER_EVENTS[type].payload.safeParse(payload);
  return result.success ? (result.data as ParsedPayload<T>) : null;
}

/** A type name checked against the union, for places that pass it on as text (SQL parameters). */
export const eventType = <T extends LedgerEventType>(type: T): T => type;
