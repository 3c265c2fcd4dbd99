import { z } from "zod";
import { listUsers, setUserDisabled } from "../../admin/users";
import { roleProcedure, router } from "../init";
import { connectorsAdminRouter } from "./connectors";
import { actionTypesAdminRouter } from "./requests";

const adminProcedure = roleProcedure("admin");

export const adminRouter = router({
  users: router({
    list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
    setDisabled: adminProcedure
      .input(
        z.object({
          userId: z.uuid(),
          disabled: z.boolean(),
          secondFactorCode: z.string().max(64).optional(),
        }),
      )
      .mutation(({ ctx, input }) => setUserDisabled(ctx.db, ctx.user, input, ctx.meta)),
  }),
  actionTypes: actionTypesAdminRouter,
  connectors: connectorsAdminRouter,
});
