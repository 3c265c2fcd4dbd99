import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { mustEnrolFirst } from "../../auth/second-factor";
import { env } from "../../env";
import { authedProcedure, createCallerFactory, router } from "../init";
import { accountRouter } from "./account";
import { alertsRouter } from "./alerts";
import { adminRouter } from "./admin";
import { campaignsRouter } from "./campaigns";
import { casesRouter } from "./cases";
import { complianceRouter } from "./compliance";
import { ledgerRouter } from "./ledger";
import { notificationsRouter } from "./notifications";
import { actionsRouter, requestsRouter } from "./requests";
import { tokensRouter } from "./tokens";

export const appRouter = router({
  me: authedProcedure.query(({ ctx }) => {
    const { sessionId: _sessionId, ...me } = ctx.user;
    return { ...me, mustEnrolFirst: mustEnrolFirst(ctx.user, env().CASEFILE_REQUIRE_SECOND_FACTOR) };
  }),
  account: accountRouter,
  alerts: alertsRouter,
  admin: adminRouter,
  campaigns: campaignsRouter,
  cases: casesRouter,
  compliance: complianceRouter,
  ledger: ledgerRouter,
  notifications: notificationsRouter,
  requests: requestsRouter,
  actions: actionsRouter,
  tokens: tokensRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
