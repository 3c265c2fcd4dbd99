import { z } from "zod";
import { EMAIL_MODES } from "@/db/schema";
import { listMine, markRead, preferencesOf, setPreferences } from "../../notify/inbox";
import { authedProcedure, router } from "../init";

export const notificationsRouter = router({
  /** The person's own notifications, newest first, with the unread count. */
  list: authedProcedure.query(({ ctx }) => listMine(ctx.db, ctx.user)),
  markRead: authedProcedure
    .input(z.object({ ids: z.union([z.array(z.uuid()).max(500), z.literal("all")]) }))
    .mutation(({ ctx, input }) => markRead(ctx.db, ctx.user, input.ids)),
  preferences: authedProcedure.query(({ ctx }) => preferencesOf(ctx.db, ctx.user)),
  setPreferences: authedProcedure
    .input(
      z.object({
        emailMode: z.string().max(20).pipe(z.enum(EMAIL_MODES)),
        muted: z.array(z.string().max(40)).max(20),
      }),
    )
    .mutation(({ ctx, input }) => setPreferences(ctx.db, ctx.user, input, ctx.meta)),
});
