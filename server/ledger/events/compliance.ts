/** Compliance review, findings, reports, verification runs and the demonstration data. */
import { z } from "zod";
import { events, id, iso, json } from "./parts";

const finding = z.strictObject({
  detector: z.string(),
  severity: z.string(),
  title: z.string(),
  evidence: json,
});
const attestation = z.strictObject({
  verdict: z.string(),
  note: z.string(),
  previousVerdict: z.string().optional(),
  previousNote: z.string().nullable().optional(),
});

export const COMPLIANCE_EVENTS = events({
  "finding.opened": { label: "Finding opened", payload: finding },
  "finding.reopened": { label: "Finding reopened", payload: finding },
  "finding.triaged": {
    label: "Finding triaged",
    payload: z.strictObject({ detector: z.string(), from: z.string(), to: z.string(), note: z.string() }),
  },
  "compliance.detector.updated": {
    label: "Detector settings changed",
    payload: z.strictObject({ detector: z.string(), enabled: z.boolean(), thresholds: json }),
  },
  "review_campaign.opened": {
    label: "Review campaign opened",
    payload: z.strictObject({ title: z.string(), periodStart: iso, periodEnd: iso }),
  },
  "review_campaign.attested": { label: "Decision attested", payload: attestation },
  "review_campaign.attestation_changed": { label: "Attestation changed", payload: attestation },
  "review_campaign.closed": {
    label: "Review campaign closed",
    payload: z.strictObject({
      total: z.number(),
      attested: z.number(),
      inappropriate: z.number(),
      complete: z.boolean(),
      reason: z.string().nullable(),
    }),
  },
  "report.generated": {
    label: "Report generated",
    // The report's own facts (row counts and the like) sit beside these fields.
    payload: z
      .object({ kind: z.string(), scope: json, sha256: z.string(), bytes: z.number() })
      .catchall(json),
  },
  "ledger.verified": {
    label: "Ledger verified",
    payload: z.strictObject({
      ok: z.boolean(),
      entries: z.number(),
      checkpointsChecked: z.number(),
      firstBadSeq: z.number().nullable(),
      problem: z.string().nullable(),
      // Absent from entries written before state reconciliation existed.
      state: z
        .strictObject({
          ok: z.boolean(),
          rows: z.number(),
          mismatches: z.number(),
          first: z.array(z.string()),
        })
        .optional(),
    }),
  },
  "demo.history_seeded": {
    label: "Demonstration history added",
    payload: z.strictObject({
      requests: z.number(),
      approvals: z.array(id),
      grants: z.array(z.strictObject({ id, uses: z.number() })),
    }),
  },
});
