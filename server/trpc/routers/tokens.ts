import { z } from "zod";
import { TOKEN_SCOPES } from "@/db/schema";
import {
  createPersonalToken,
  createServiceToken,
  listAllTokens,
  listMyTokens,
  revokeToken,
} from "../../tokens/tokens";
import { authedProcedure, roleProcedure, router } from "../init";

const newToken = {
  name: z.string().trim().min(1, "Give the token a name").max(100),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, "at least one scope").max(TOKEN_SCOPES.length),
  days: z.number().int().min(1).max(3650).optional(),
  sourceCidrs: z.array(z.string().trim().max(50)).max(20).default([]),
};

export const tokensRouter = router({
  /** The person's tokens, and those of service accounts they own. */
  mine: authedProcedure.query(({ ctx }) => listMyTokens(ctx.db, ctx.user)),
  /** A personal token, shown once; needs sudo mode. */
  create: authedProcedure
    .input(
      z.object({
        ...newToken,
        password: z.string().max(1024).optional(),
        currentCode: z.string().trim().max(64).optional(),
      }),
    )
    .mutation(({ ctx, input }) => createPersonalToken(ctx.db, ctx.user, input, ctx.meta)),
  revoke: authedProcedure
    .input(z.object({ tokenId: z.uuid() }))
    .mutation(({ ctx, input }) => revokeToken(ctx.db, ctx.user, input, ctx.meta)),
  all: roleProcedure("admin").query(({ ctx }) => listAllTokens(ctx.db)),
  /** A service account's token, owned by a person; shown once. */
  createService: roleProcedure("admin")
    .input(
      z.object({
        ...newToken,
        serviceAccountId: z.uuid(),
        ownerId: z.uuid(),
        secondFactorCode: z.string().max(64).optional(),
      }),
    )
    .mutation(({ ctx, input }) => createServiceToken(ctx.db, ctx.user, input, ctx.meta)),
});
