import { z } from "zod";
import { ROLES } from "@/db/schema/users";
import { resetSecondFactor } from "../../admin/second-factor-reset";
import { createUser, listUsers, reinviteUser, setUserDisabled, updateUser } from "../../admin/users";
import { env } from "../../env";
import { workerStatus } from "../../jobs/heartbeat";
import { roleProcedure, router } from "../init";
import { connectorsAdminRouter } from "./connectors";
import { actionTypesAdminRouter } from "./requests";

const adminProcedure = roleProcedure("admin");
const secondFactorCode = z.string().max(64).optional();
const roles = z.array(z.enum(ROLES)).max(ROLES.length);
const clearance = z.number().int().min(1).max(4);

export const adminRouter = router({
  users: router({
    list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
    create: adminProcedure
      .input(
        z.object({
          name: z.string().trim().min(1, "Give the person's name").max(200),
          email: z.email("Not an email address").max(320),
          roles,
          clearance,
          serviceAccount: z.boolean().default(false),
          secondFactorCode,
        }),
      )
      .mutation(({ ctx, input }) =>
        // Where passwords are off, people sign in through SSO: an invitation would lead nowhere.
        createUser(ctx.db, ctx.user, input, ctx.meta, { invite: env().CASEFILE_PASSWORD_SIGN_IN === "true" }),
      ),
    update: adminProcedure
      .input(
        z.object({
          userId: z.uuid(),
          roles: roles.optional(),
          clearance: clearance.optional(),
          team: z.string().trim().max(60).nullable().optional(),
          secondFactorCode,
        }),
      )
      .mutation(({ ctx, input }) => updateUser(ctx.db, ctx.user, input, ctx.meta)),
    invite: adminProcedure
      .input(z.object({ userId: z.uuid(), secondFactorCode }))
      .mutation(({ ctx, input }) => reinviteUser(ctx.db, ctx.user, input, ctx.meta)),
    /** Someone lost their second factor: it goes, their sessions end, they set up a new one at next sign-in. */
    resetSecondFactor: adminProcedure
      .input(z.object({ userId: z.uuid(), secondFactorCode }))
      .mutation(({ ctx, input }) => resetSecondFactor(ctx.db, ctx.user, input, ctx.meta)),
    setDisabled: adminProcedure
      .input(
        z.object({
          userId: z.uuid(),
          disabled: z.boolean(),
          secondFactorCode,
        }),
      )
      .mutation(({ ctx, input }) => setUserDisabled(ctx.db, ctx.user, input, ctx.meta)),
  }),
  workers: adminProcedure.query(({ ctx }) => workerStatus(ctx.db)),
  actionTypes: actionTypesAdminRouter,
  connectors: connectorsAdminRouter,
});
