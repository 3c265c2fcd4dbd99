import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Db } from "@/db/client";
import type { Role } from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { mustEnrolFirst } from "../auth/second-factor";
import { openCase } from "../cases/access";
import { env } from "../env";
import { DomainError, isDatabaseUnavailable } from "../errors";
import type { RequestMeta } from "../request-meta";
import { unstorableTextAt } from "../storable-text";

export type Context = { db: Db; user: SessionUser | null; meta: RequestMeta };

/** The context every caller gets: the HTTP handler, server components and tests build it the same way. */
export function createContextInner(ctx: Context): Context {
  return ctx;
}

function fieldErrorsOf(cause: unknown): Record<string, string[]> | null {
  if (cause instanceof ZodError) {
    const out: Record<string, string[]> = {};
    for (const issue of cause.issues) {
      const key = issue.path.length ? issue.path.join(".") : "_";
      (out[key] ??= []).push(issue.message);
    }
    return out;
  }
  if (cause instanceof DomainError && cause.field) return { [cause.field]: [cause.message] };
  return null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const fieldErrors = fieldErrorsOf(error.cause);
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    const firstField = fieldErrors ? Object.entries(fieldErrors)[0] : undefined;
    return {
      code: shape.code,
      // Unknown errors never reach the client with their message; they are logged by the handler.
      message: internal
        ? "Something went wrong on the server."
        : error.cause instanceof ZodError && firstField
          ? `${firstField[0]}: ${firstField[1][0]}`
          : shape.message,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, fieldErrors },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Turns a service's DomainError into the TRPCError with the same code, and a lost
 * database connection into SERVICE_UNAVAILABLE (a transaction it broke was rolled back).
 */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  if (!result.ok && isDatabaseUnavailable(result.error.cause)) {
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "The database connection was lost. Reload to see what was saved, then try again.",
      cause: result.error.cause,
    });
  }
  return result;
});

/** Text no column or ledger entry can hold is refused before any procedure sees it, naming the field. */
const storableText = t.middleware(async ({ getRawInput, next }) => {
  const field = unstorableTextAt(await getRawInput());
  if (field !== null) {
    const message = `${field}: text may not contain a NUL character (U+0000) or a lone surrogate`;
    throw new TRPCError({
      code: "BAD_REQUEST",
      message,
      cause: new DomainError("BAD_REQUEST", message, { field }),
    });
  }
  return next();
});

export const publicProcedure = t.procedure.use(domainErrors).use(storableText);

export const authedProcedure = publicProcedure.use(({ ctx, path, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  // Where policy requires a second factor for the user's role, setting it up comes first.
  if (
    mustEnrolFirst(ctx.user, env().CASEFILE_REQUIRE_SECOND_FACTOR) &&
    path !== "me" &&
    !path.startsWith("account.")
  ) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "Your role requires two-factor authentication: set it up under Your account first.",
    });
  }
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Signed in and holding at least one of the roles. */
export function roleProcedure(...roles: [Role, ...Role[]]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!roles.some((role) => ctx.user.roles.includes(role))) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${roles.join(" or ")} role.` });
    }
    return next();
  });
}

/**
 * Case-scoped: the input names a case (`caseId`) the user may see, else NOT_FOUND
 * (existence is need-to-know). `ctx.case` carries the access services re-check.
 */
export const caseProcedure = authedProcedure
  .input(z.object({ caseId: z.uuid() }))
  .use(async ({ ctx, input, next }) =>
    next({ ctx: { case: await openCase(ctx.db, ctx.user, input.caseId) } }),
  );
