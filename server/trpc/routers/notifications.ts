import { z } from "zod";
import { EMAIL_MODES } from "@/db/schema";
import { confirmLink, myLinks, unlink } from "../../notify/chat/links";
import { listMine, markRead, preferencesOf, setPreferences } from "../../notify/inbox";
import { delegate, endDelegation, myDelegations } from "../../requests/delegation";
import { escalationsOf } from "../../notify/escalate";
import { authedProcedure, roleProcedure, router } from "../init";

const approver = roleProcedure("approver", "admin");

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
  /** Chat accounts that act as this person (Slack-compatible approval). */
  chatLinks: authedProcedure.query(({ ctx }) => myLinks(ctx.db, ctx.user)),
  /** Confirms the code a chat user was shown: that chat account then acts as this person. */
  confirmChatLink: authedProcedure
    .input(z.object({ code: z.string().trim().min(8, "the code from the chat link").max(64) }))
    .mutation(({ ctx, input }) => confirmLink(ctx.db, ctx.user, input.code, ctx.meta)),
  /** Reminders and escalations of pending requests, for the queue ("escalated 5 min ago"). */
  escalations: approver
    .input(z.object({ requestIds: z.array(z.uuid()).max(500) }))
    .query(({ ctx, input }) => escalationsOf(ctx.db, input.requestIds)),
  delegations: authedProcedure.query(({ ctx }) => myDelegations(ctx.db, ctx.user)),
  /** Out of office: an approver names an approver who decides in their place for a period. */
  delegate: roleProcedure("approver")
    .input(
      z.object({
        toUserId: z.uuid(),
        startsAt: z.date(),
        endsAt: z.date(),
        reason: z.string().max(500).optional(),
      }),
    )
    .mutation(({ ctx, input }) => delegate(ctx.db, ctx.user, input, ctx.meta)),
  endDelegation: authedProcedure
    .input(z.object({ delegationId: z.uuid() }))
    .mutation(({ ctx, input }) => endDelegation(ctx.db, ctx.user, input.delegationId, ctx.meta)),
  removeChatLink: authedProcedure
    .input(z.object({ linkId: z.uuid() }))
    .mutation(({ ctx, input }) => unlink(ctx.db, ctx.user, input.linkId, ctx.meta)),
});
