import type { inferRouterOutputs } from "@trpc/server";
import { authedProcedure, createCallerFactory, router } from "../init";
import { adminRouter } from "./admin";
import { ledgerRouter } from "./ledger";

export const appRouter = router({
  me: authedProcedure.query(({ ctx }) => {
    const { sessionId: _sessionId, ...me } = ctx.user;
    return me;
  }),
  admin: adminRouter,
  ledger: ledgerRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
export type RouterOutputs = inferRouterOutputs<AppRouter>;
