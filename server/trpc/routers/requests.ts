import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { RISK_TIERS, ROLES } from "@/db/schema";
import { listActionTypes, updateActionType } from "../../actions/types";
import { createRequest } from "../../requests/ask";
import { breakGlass } from "../../requests/break-glass";
import { openBreakGlassReviews, reviewBreakGlass } from "../../requests/break-glass-review";
import { requestsOfCase } from "../../requests/case-requests";
import { decide } from "../../requests/decide";
import { executeGrant } from "../../requests/execute";
import { revokeGrant } from "../../requests/grants";
import { cancelRequest } from "../../requests/lifecycle";
import { approverQueue } from "../../requests/queue";
import { reviewContext } from "../../requests/review";
import { liveStream } from "../../realtime/stream";
import { authedProcedure, caseProcedure, roleProcedure, router } from "../init";

const minutes = z.number().int().min(1).max(1440);
const uses = z.number().int().min(1).max(1000);
const params = z.record(z.string(), z.unknown());
const ask = {
  actionKey: z.string().trim().min(1).max(100),
  params,
  triggerEventId: z.uuid().nullish(),
  minutes,
};

export const requestsRouter = router({
  catalogue: authedProcedure.query(({ ctx }) => listActionTypes(ctx.db, { enabledOnly: true })),
  create: caseProcedure
    .input(
      z.object({
        ...ask,
        justification: z.string().max(4000),
        uses: uses.optional(),
        secondFactorCode: z.string().max(64).optional(),
      }),
    )
    .mutation(({ ctx, input }) => createRequest(ctx.db, ctx.case, input, ctx.meta)),
  breakGlass: caseProcedure
    .input(
      z.object({ ...ask, reason: z.string().max(4000), secondFactorCode: z.string().max(64).optional() }),
    )
    .mutation(({ ctx, input }) => breakGlass(ctx.db, ctx.case, input, ctx.meta)),
  ofCase: caseProcedure.query(({ ctx }) => requestsOfCase(ctx.db, ctx.case)),
  cancel: authedProcedure
    .input(z.object({ requestId: z.uuid(), reason: z.string().max(2000).optional() }))
    .mutation(({ ctx, input }) => cancelRequest(ctx.db, ctx.user, input, ctx.meta)),
  queue: authedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(({ ctx, input }) => approverQueue(ctx.db, ctx.user, input.limit)),
  review: authedProcedure
    .input(z.object({ requestId: z.uuid() }))
    .query(({ ctx, input }) => reviewContext(ctx.db, ctx.user, input.requestId)),
  decide: authedProcedure
    .input(
      z.discriminatedUnion("decision", [
        z.object({
          requestId: z.uuid(),
          paramsHashSeen: z.string().length(64),
          decision: z.literal("deny"),
          comment: z.string().max(4000),
        }),
        z.object({
          requestId: z.uuid(),
          paramsHashSeen: z.string().length(64),
          decision: z.literal("approve"),
          comment: z.string().max(4000).optional(),
          secondFactorCode: z.string().max(64).optional(),
          params: params.optional(),
          minutes: minutes.optional(),
          uses: uses.optional(),
        }),
      ]),
    )
    .mutation(({ ctx, input }) => decide(ctx.db, ctx.user, input, ctx.meta)),
  /** Ids of requests that changed and concern the user: the browser refetches what it may read. */
  live: authedProcedure.subscription(async function* ({ ctx, signal }) {
    const outcome = yield* liveStream(ctx.db, ctx.user, signal);
    if (outcome === "session_ended") {
      throw new TRPCError({ code: "UNAUTHORIZED", message: "Your session has ended: sign in again." });
    }
  }),
  breakGlassReviews: authedProcedure.query(({ ctx }) => openBreakGlassReviews(ctx.db, ctx.user)),
  reviewBreakGlass: roleProcedure("approver", "compliance")
    .input(
      z.object({
        requestId: z.uuid(),
        verdict: z.enum(["justified", "unjustified"]),
        note: z.string().max(4000),
      }),
    )
    .mutation(({ ctx, input }) => reviewBreakGlass(ctx.db, ctx.user, input, ctx.meta)),
});

/** Using and ending grants: mounted as `actions`. */
export const actionsRouter = router({
  /** The guarded path: a live grant of the caller's, parameters inside its scope, one use consumed. */
  execute: caseProcedure
    .input(z.object({ grantId: z.uuid(), params, secondFactorCode: z.string().max(64).optional() }))
    .mutation(({ ctx, input }) => executeGrant(ctx.db, ctx.case, input, ctx.meta)),
  revokeGrant: authedProcedure
    .input(z.object({ grantId: z.uuid(), reason: z.string().max(2000).optional() }))
    .mutation(({ ctx, input }) => revokeGrant(ctx.db, ctx.user, input, ctx.meta)),
});

export const actionTypesAdminRouter = router({
  list: roleProcedure("admin").query(({ ctx }) => listActionTypes(ctx.db)),
  update: roleProcedure("admin")
    .input(
      z.object({
        key: z.string().max(100),
        version: z.number().int().positive(),
        secondFactorCode: z.string().max(64).optional(),
        patch: z
          .object({
            riskTier: z.enum(RISK_TIERS),
            approvalsRequired: z.number().int().min(1).max(5),
            approverRoles: z.array(z.enum(ROLES)).min(1, "at least one role"),
            minClearance: z.number().int().min(1).max(4),
            maxDurationMinutes: minutes,
            maxUses: uses,
            businessHours: z.boolean(),
            breakGlassAllowed: z.boolean(),
            excludeCaseGrantees: z.boolean(),
            executorStepUp: z.boolean(),
            breakGlassPerDay: z.number().int().min(0).max(50),
            breakGlassMinutesPerDay: z.number().int().min(0).max(1440),
            breakGlassMaxUnreviewed: z.number().int().min(0).max(50),
            enabled: z.boolean(),
          })
          .partial()
          .strict(),
      }),
    )
    .mutation(({ ctx, input }) => updateActionType(ctx.db, ctx.user, input, ctx.meta)),
});
