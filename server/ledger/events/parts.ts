/** Building blocks of the payload schemas: one vocabulary for every domain's events. */
import { z } from "zod";

/** A record id (UUID as text) or another opaque identifier. */
export const id = z.string();
/** A database time, ISO-8601 UTC. */
export const iso = z.string();
/** Any JSON value: action parameters, scopes, detector evidence, changed fields. */
export const json = z.json();
/** Salted SHA-256 commitments to case text, by the id of the record that holds the text. */
export const commitments = z.record(z.string(), z.string());
export const role = z.string();
export const reason = z.string();
/** How a second factor was proven: when and by which method. */
export const secondFactorProof = z.strictObject({ at: iso, method: z.string() });

/** One event: what the explorer calls it and the shape of its payload. */
export type EventDef = { label: string; payload: z.ZodType };

/** Declares a domain's events, keeping each payload schema's exact type. */
export const events = <const T extends Record<string, EventDef>>(defs: T): T => defs;
