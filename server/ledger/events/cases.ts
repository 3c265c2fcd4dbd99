/** Case work: cases, members, entities, timeline, notes and evidence. Case text enters only as commitments. */
import { z } from "zod";
import { commitments, events, id, iso, json } from "./parts";

const member = z.strictObject({ member: z.string(), access: z.string(), previous: z.string().nullable() });
/** Which free-text fields changed (their new text is in `commitments`). */
const textChanged = z.array(z.string());

export const CASE_EVENTS = events({
  "case.created": {
    label: "Case opened",
    payload: z.strictObject({ severity: z.number(), tlp: z.string(), lead: z.string(), commitments }),
  },
  "case.updated": {
    label: "Case updated",
    payload: z.strictObject({ changes: json, textChanged, commitments: commitments.optional() }),
  },
  "case.status_changed": {
    label: "Case status changed",
    payload: z.strictObject({ from: z.string(), to: z.string(), resolution: z.string().nullable() }),
  },
  "case.member_added": { label: "Member added", payload: member },
  "case.member_changed": { label: "Member access changed", payload: member },
  "case.member_removed": {
    label: "Member removed",
    payload: z.strictObject({ member: z.string().nullable(), access: z.string() }),
  },
  "entity.added": {
    label: "Entity added",
    payload: z.strictObject({ kind: z.string(), value: z.string(), role: z.string(), commitments }),
  },
  "entity.updated": {
    label: "Entity updated",
    payload: z.strictObject({
      kind: z.string(),
      value: z.string(),
      changes: json,
      textChanged,
      commitments: commitments.optional(),
    }),
  },
  "timeline.event_added": {
    label: "Timeline event added",
    payload: z.strictObject({
      occurredAt: iso,
      source: z.string(),
      entities: z.array(
        z.strictObject({ kind: z.string().nullable(), value: z.string().nullable(), relation: z.string() }),
      ),
      commitments,
    }),
  },
  "timeline.event_starred": { label: "Timeline event starred", payload: z.strictObject({}) },
  "timeline.event_unstarred": { label: "Timeline event unstarred", payload: z.strictObject({}) },
  "timeline.imported": {
    label: "Timeline imported",
    payload: z.strictObject({
      format: z.string(),
      sha256: z.string(),
      imported: z.number(),
      rejectedLines: z.array(z.number()),
      commitments,
    }),
  },
  "note.added": { label: "Note added", payload: z.strictObject({ commitments }) },
  "evidence.registered": {
    label: "Evidence registered",
    payload: z.strictObject({ sha256: z.string(), sizeBytes: z.number(), commitments }),
  },
  "evidence.collected": {
    label: "Evidence collected",
    payload: z.strictObject({
      sha256: z.string(),
      sizeBytes: z.number(),
      rowCount: z.number(),
      source: z.string(),
      commitments,
    }),
  },
  "evidence.custody": {
    label: "Custody recorded",
    payload: z.strictObject({
      action: z.string(),
      presented: z.string().nullable().optional(),
      matched: z.boolean().optional(),
      commitments,
    }),
  },
  "evidence.exported": {
    label: "Evidence exported",
    payload: z.strictObject({
      name: z.string(),
      sha256: z.string(),
      destination: z.string(),
      grantId: id,
      use: z.string(),
    }),
  },
});
