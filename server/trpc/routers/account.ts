import { z } from "zod";
import { listMySessions, signOutOtherSessions } from "../../auth/my-sessions";
import { beginEnrolment, confirmEnrolment, secondFactorStatus, stepUp } from "../../auth/second-factor";
import { authedProcedure, router } from "../init";

const code = z.string().trim().min(6, "the code from your app").max(64);

export const accountRouter = router({
  sessions: authedProcedure.query(({ ctx }) => listMySessions(ctx.db, ctx.user)),
  /** Ends one other session, or every other one when no id is given. */
  signOutOthers: authedProcedure
    .input(z.object({ sessionId: z.uuid().optional() }))
    .mutation(({ ctx, input }) => signOutOtherSessions(ctx.db, ctx.user, input, ctx.meta)),
  secondFactor: router({
    status: authedProcedure.query(({ ctx }) => secondFactorStatus(ctx.db, ctx.user.id)),
    begin: authedProcedure.mutation(({ ctx }) => beginEnrolment(ctx.db, ctx.user)),
    confirm: authedProcedure
      .input(z.object({ code }))
      .mutation(({ ctx, input }) => confirmEnrolment(ctx.db, ctx.user, input.code, ctx.meta)),
    stepUp: authedProcedure
      .input(z.object({ code }))
      .mutation(({ ctx, input }) => stepUp(ctx.db, ctx.user, input.code, ctx.meta)),
  }),
});
