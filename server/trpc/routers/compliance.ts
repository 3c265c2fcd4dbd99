import { z } from "zod";
import { FINDING_SEVERITIES, FINDING_STATUSES } from "@/db/schema";
import { env } from "../../env";
import { dashboard, DRILL_KINDS, rowsBehind } from "../../compliance/dashboard";
import { evidenceRows } from "../../compliance/evidence";
import {
  getFinding,
  listFindings,
  runDetectors,
  saveDetectorSettings,
  settings,
  triageFinding,
} from "../../compliance/findings";
import { roleProcedure, router } from "../init";

const reviewer = roleProcedure("compliance");
const period = { from: z.coerce.date(), to: z.coerce.date(), team: z.string().trim().max(60).nullish() };

/** The compliance reviewer's home: dashboard, findings and their triage, detector settings. */
export const complianceRouter = router({
  dashboard: reviewer.input(z.object(period)).query(({ ctx, input }) => dashboard(ctx.db, input)),
  rows: reviewer
    .input(z.object({ ...period, kind: z.enum(DRILL_KINDS), userId: z.uuid().optional() }))
    .query(({ ctx, input }) => rowsBehind(ctx.db, input)),
  findings: router({
    list: reviewer
      .input(
        z
          .object({
            status: z.array(z.enum(FINDING_STATUSES)).max(4).optional(),
            severity: z.array(z.enum(FINDING_SEVERITIES)).max(4).optional(),
            detector: z.string().max(100).optional(),
          })
          .default({}),
      )
      .query(({ ctx, input }) => listFindings(ctx.db, input)),
    get: reviewer.input(z.object({ findingId: z.uuid() })).query(async ({ ctx, input }) => {
      const finding = await getFinding(ctx.db, input.findingId);
      return { finding, rows: await evidenceRows(ctx.db, finding.evidence) };
    }),
    triage: reviewer
      .input(z.object({ findingId: z.uuid(), status: z.enum(FINDING_STATUSES), note: z.string().max(4000) }))
      .mutation(({ ctx, input }) => triageFinding(ctx.db, ctx.user, input, ctx.meta)),
  }),
  detectors: router({
    list: reviewer.query(({ ctx }) => settings(ctx.db)),
    save: reviewer
      .input(
        z.object({
          detector: z.string().max(100),
          enabled: z.boolean(),
          thresholds: z.record(z.string().max(50), z.number()),
        }),
      )
      .mutation(({ ctx, input }) => saveDetectorSettings(ctx.db, ctx.user, input, ctx.meta)),
    run: reviewer.mutation(({ ctx }) => runDetectors(ctx.db, { orgTimeZone: env().CASEFILE_TIMEZONE })),
  }),
});
