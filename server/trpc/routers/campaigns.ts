import { z } from "zod";
import { ATTESTATION_VERDICTS } from "@/db/schema";
import { campaignDetail, campaignResults } from "../../compliance/campaign-items";
import { attest, closeCampaign, listCampaigns, openCampaign } from "../../compliance/campaigns";
import { roleProcedure, router } from "../init";

const compliance = roleProcedure("compliance");
const campaignId = z.uuid();

export const campaignsRouter = router({
  list: compliance.query(({ ctx }) => listCampaigns(ctx.db, ctx.user)),
  open: compliance
    .input(z.object({ title: z.string().max(200), periodStart: z.date(), periodEnd: z.date() }))
    .mutation(({ ctx, input }) => openCampaign(ctx.db, ctx.user, input, ctx.meta)),
  get: compliance
    .input(
      z.object({
        campaignId,
        filter: z.enum(["all", "unattested"]).default("all"),
        offset: z.number().int().min(0).max(1_000_000).default(0),
      }),
    )
    .query(({ ctx, input }) => campaignDetail(ctx.db, ctx.user, input)),
  /** Every decision with its verdict, as JSON; the CSV comes from /api/campaigns/<id>/export. */
  results: compliance
    .input(z.object({ campaignId }))
    .query(({ ctx, input }) => campaignResults(ctx.db, ctx.user, input.campaignId)),
  attest: compliance
    .input(
      z.object({
        campaignId,
        approvalId: z.uuid(),
        verdict: z.enum(ATTESTATION_VERDICTS),
        note: z.string().max(2000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => attest(ctx.db, ctx.user, input, ctx.meta)),
  close: compliance
    .input(z.object({ campaignId, reason: z.string().max(2000).optional() }))
    .mutation(({ ctx, input }) => closeCampaign(ctx.db, ctx.user, input, ctx.meta)),
});
