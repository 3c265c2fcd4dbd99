import { authedProcedure, createCallerFactory, router } from "../init";
import { adminRouter } from "./admin";

export const appRouter = router({
  me: authedProcedure.query(({ ctx }) => {
    const { sessionId: _sessionId, ...me } = ctx.user;
    return me;
  }),
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
