import { z } from "zod";
import { beginEnrolment, confirmEnrolment } from "../../auth/enrolment";
import { listMySessions, signOutOtherSessions } from "../../auth/my-sessions";
import { dismissNotice, listNotices } from "../../auth/notices";
import { secondFactorStatus, stepUp } from "../../auth/second-factor";
import { sudoState } from "../../auth/sudo";
import { authedProcedure, router } from "../init";

const code = z.string().trim().min(6, "the code from your app").max(64);

export const accountRouter = router({
  sessions: authedProcedure.query(({ ctx }) => listMySessions(ctx.db, ctx.user)),
  /** Ends one other session, or every other one when no id is given. */
  signOutOthers: authedProcedure
    .input(z.object({ sessionId: z.uuid().optional() }))
    .mutation(({ ctx, input }) => signOutOtherSessions(ctx.db, ctx.user, input, ctx.meta)),
  /** What changed on the account since the person last looked (second factor replaced or reset). */
  notices: authedProcedure.query(({ ctx }) => listNotices(ctx.db, ctx.user)),
  dismissNotice: authedProcedure
    .input(z.object({ noticeId: z.uuid() }))
    .mutation(({ ctx, input }) => dismissNotice(ctx.db, ctx.user, input.noticeId, ctx.meta)),
  /** What confirming it's you would ask for now (sudo mode). */
  sudo: authedProcedure.query(({ ctx }) => sudoState(ctx.db, ctx.user)),
  secondFactor: router({
    status: authedProcedure.query(({ ctx }) => secondFactorStatus(ctx.db, ctx.user.id)),
    /** Needs sudo mode: the password (or a fresh single sign-on) and the current code where a factor exists. */
    begin: authedProcedure
      .input(
        z
          .object({
            password: z.string().max(1024).optional(),
            currentCode: z.string().trim().max(64).optional(),
          })
          .default({}),
      )
      .mutation(({ ctx, input }) => beginEnrolment(ctx.db, ctx.user, input, ctx.meta)),
    confirm: authedProcedure
      .input(z.object({ code }))
      .mutation(({ ctx, input }) => confirmEnrolment(ctx.db, ctx.user, input.code, ctx.meta)),
    stepUp: authedProcedure
      .input(z.object({ code }))
      .mutation(({ ctx, input }) => stepUp(ctx.db, ctx.user, input.code, ctx.meta)),
  }),
});
