import { z } from "zod";
import { listMySessions, signOutOtherSessions } from "../../auth/my-sessions";
import { authedProcedure, router } from "../init";

export const accountRouter = router({
  sessions: authedProcedure.query(({ ctx }) => listMySessions(ctx.db, ctx.user)),
  /** Ends one other session, or every other one when no id is given. */
  signOutOthers: authedProcedure
    .input(z.object({ sessionId: z.uuid().optional() }))
    .mutation(({ ctx, input }) => signOutOtherSessions(ctx.db, ctx.user, input, ctx.meta)),
});
