import { z } from "zod";
import { CONNECTOR_KINDS } from "@/db/schema";
import { listConnectors, saveConnector, testConnector } from "../../connectors/connectors";
import { roleProcedure, router } from "../init";

const adminProcedure = roleProcedure("admin");

/** Admin: connectors to evidence stores, target databases and webhooks. Secrets go in, never out. */
export const connectorsAdminRouter = router({
  list: adminProcedure.query(({ ctx }) => listConnectors(ctx.db)),
  save: adminProcedure
    .input(
      z.object({
        id: z.uuid().optional(),
        version: z.number().int().positive().optional(),
        name: z.string().max(63),
        kind: z.enum(CONNECTOR_KINDS),
        serves: z.array(z.string().max(100)).max(20),
        config: z.record(z.string(), z.unknown()).optional(),
        secondFactorCode: z.string().max(64).optional(),
      }),
    )
    .mutation(({ ctx, input }) => saveConnector(ctx.db, ctx.user, input, ctx.meta)),
  test: adminProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => testConnector(ctx.db, ctx.user, input, ctx.meta)),
});
