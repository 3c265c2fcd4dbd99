import { TRPCError, type AnyTRPCRouter } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { loadSessionUser } from "../auth/sessions";
import { DomainError } from "../errors";
import { callerFor, callerForSession, sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { enrolSecondFactor } from "../testing/second-factor";
import { createCallerFactory, createContextInner, publicProcedure, router } from "./init";
import { appRouter } from "./routers/_app";

const { db, owner } = await testDatabase();
await seedDemo(db, "demo-password-for-tests");

const ADMIN = "sam.okafor@casefile.demo";
const INVESTIGATOR = "marcus.webb@casefile.demo";

const meta = { requestId: "x", ip: null, userAgent: null };

/** Calls a procedure through tRPC's fetch handler, as the browser does, and returns the error shape. */
async function httpError(target: AnyTRPCRouter, path: string, input: unknown, email: string | null) {
  const user = email ? await loadSessionUser(db, await sessionFor(db, email)) : null;
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`http://casefile.test/api/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: input }),
    }),
    router: target,
    createContext: () => createContextInner({ db, user, meta }),
  });
  const body = (await response.json()) as {
    error: { json: { message: string; data: { fieldErrors: Record<string, string[]> | null } } };
  };
  return { status: response.status, ...body.error.json };
}

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}

describe("authedProcedure", () => {
  it("rejects a call with no session as UNAUTHORIZED", async () => {
    const anonymous = await callerFor(db, null);
    expect((await rejection(anonymous.me())).code).toBe("UNAUTHORIZED");
  });

  it("returns the signed-in user from `me`", async () => {
    const me = await (await callerFor(db, INVESTIGATOR)).me();
    expect(me).toMatchObject({
      email: INVESTIGATOR,
      name: "Marcus Webb",
      roles: ["investigator"],
      clearance: 2,
    });
    expect(me).not.toHaveProperty("sessionId");
  });
});

describe("roleProcedure", () => {
  it("rejects a user without the role as FORBIDDEN", async () => {
    const investigator = await callerFor(db, INVESTIGATOR);
    expect((await rejection(investigator.admin.users.list())).code).toBe("FORBIDDEN");
  });

  it("lets a user with the role through", async () => {
    const users = await (await callerFor(db, ADMIN)).admin.users.list();
    expect(users.map((u) => u.email)).toContain(INVESTIGATOR);
  });
});

describe("errors", () => {
  it("name the field for invalid input", async () => {
    const error = await httpError(
      appRouter,
      "admin.users.setDisabled",
      { userId: "not-a-uuid", disabled: "yes" },
      ADMIN,
    );
    expect(error.status).toBe(400);
    expect(Object.keys(error.data.fieldErrors ?? {}).sort()).toEqual(["disabled", "userId"]);
    expect(error.message).toMatch(/^(userId|disabled): /);
  });

  it("map a service's DomainError to its code and keep the field", async () => {
    const admin = await callerFor(db, ADMIN);
    const me = await admin.me();
    const error = await rejection(admin.admin.users.setDisabled({ userId: me.id, disabled: true }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe("You cannot disable your own account");
    const shape = await httpError(
      appRouter,
      "admin.users.setDisabled",
      { userId: me.id, disabled: true },
      ADMIN,
    );
    expect(shape.data.fieldErrors).toEqual({ userId: ["You cannot disable your own account"] });
  });

  it("hide an unknown error's message from the client", async () => {
    const t = router({
      boom: publicProcedure.query(() => {
        throw new Error("connection string postgres://secret@db");
      }),
      missing: publicProcedure.query(() => {
        throw new DomainError("NOT_FOUND", "No such case");
      }),
    });
    const caller = createCallerFactory(t)(
      createContextInner({ db, user: null, meta: { requestId: "x", ip: null, userAgent: null } }),
    );
    const boom = await rejection(caller.boom());
    expect(boom.code).toBe("INTERNAL_SERVER_ERROR");
    expect((await rejection(caller.missing())).code).toBe("NOT_FOUND");
  });
});

describe("disabling a user", () => {
  it("ends their existing session on its next request", async () => {
    const sid = await sessionFor(db, INVESTIGATOR);
    expect((await (await callerForSession(db, sid)).me()).email).toBe(INVESTIGATOR);

    const admin = await callerFor(db, ADMIN);
    // Admin changes need a fresh second factor: the admin sets one up, then proves it.
    await enrolSecondFactor(admin, "demo-password-for-tests", { stepUp: true });
    const target = (await admin.admin.users.list()).find((u) => u.email === INVESTIGATOR);
    if (!target) throw new Error("seeded investigator missing");
    await admin.admin.users.setDisabled({ userId: target.id, disabled: true });

    const next = await callerForSession(db, sid);
    expect((await rejection(next.me())).code).toBe("UNAUTHORIZED");

    // The admin change is in the ledger, attributed to the admin, atomically with the change.
    const entries = await owner.sql<{ body: string }[]>`select body from ledger_inbox order by id`;
    const disabled = entries
      .map((e) => JSON.parse(e.body) as { type: string })
      .filter((e) => e.type === "admin.user.disabled");
    expect(disabled).toMatchObject([
      { actor: { name: "Sam Okafor" }, subjects: [target.id], payload: { email: INVESTIGATOR } },
    ]);

    // Re-enabling does not revive the old session.
    await admin.admin.users.setDisabled({ userId: target.id, disabled: false });
    expect((await rejection((await callerForSession(db, sid)).me())).code).toBe("UNAUTHORIZED");
  });
});
