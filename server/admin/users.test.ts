import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { userInvitations, userRoles, users } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { beginEnrolment, confirmEnrolment } from "../auth/enrolment";
import { stepUp } from "../auth/second-factor";
import { loadSessionUser } from "../auth/sessions";
import { signInWithPassword } from "../auth/sign-in";
import { callerForSession, sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { inboxEntries } from "../testing/ledger-inbox";
import { totpCode } from "../testing/totp";
import { acceptInvitation, peekInvitation } from "./invitations";
import { isGenericAddress } from "./users";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");

// Sam, the admin, with a second factor proved just now (admin changes need a fresh one).
const samSession = await sessionFor(t.db, "sam.okafor@casefile.demo");
const samUser = await loadSessionUser(t.db, samSession);
if (!samUser) throw new Error("no sam");
await beginEnrolment(t.db, samUser, { password: "demo-password-for-tests" });
const [samRow] = await t.db
  .select({ s: users.totpPendingSecret })
  .from(users)
  .where(eq(users.id, samUser.id));
await confirmEnrolment(t.db, samUser, totpCode(samRow?.s ?? ""));
await stepUp(t.db, samUser, totpCode(samRow?.s ?? "", 1));
const sam = await callerForSession(t.db, samSession);

const person = {
  name: "Dana Fischer",
  email: "Dana.Fischer@Casefile.demo",
  roles: ["investigator" as const],
  clearance: 2,
};

async function failure(promise: Promise<unknown>) {
  return promise.then(
    () => null,
    (e: unknown) => {
      if (!(e instanceof TRPCError)) throw e;
      // The field at fault: named by the service (DomainError) or by the input schema (zod).
      const field =
        e.cause instanceof ZodError
          ? e.cause.issues[0]?.path.join(".")
          : (e.cause as { field?: string })?.field;
      return { code: e.code, field, message: e.message };
    },
  );
}

const userByEmail = async (email: string) => {
  const [row] = await t.db.select().from(users).where(eq(users.email, email));
  return row;
};
const rolesOf = async (id: string) =>
  (await t.db.select({ r: userRoles.role }).from(userRoles).where(eq(userRoles.userId, id)))
    .map((r) => r.r)
    .sort();

describe("admin user management", () => {
  it("creates a person with roles and clearance, and a one-time invitation stored only as a hash", async () => {
    const { userId, invitation } = await sam.admin.users.create(person);
    expect(await userByEmail("dana.fischer@casefile.demo")).toMatchObject({
      id: userId,
      name: "Dana Fischer",
      clearance: 2,
      serviceAccount: false,
      passwordHash: null,
    });
    expect(await rolesOf(userId)).toEqual(["investigator"]);
    if (!invitation) throw new Error("no invitation");
    const [stored] = await t.db.select().from(userInvitations).where(eq(userInvitations.userId, userId));
    expect(stored?.tokenHash).not.toContain(invitation.token);
    expect(stored?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const types = (await inboxEntries(t)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(["admin.user.created", "user.role_granted", "admin.user.invited"]),
    );

    // The person opens the link, chooses a password, and signs in with it; the link is then spent.
    expect(await peekInvitation(t.db, invitation.token)).toEqual({
      name: "Dana Fischer",
      email: "dana.fischer@casefile.demo",
    });
    await expect(
      acceptInvitation(t.db, { token: invitation.token, password: "short" }, null),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      field: "password",
    });
    await acceptInvitation(
      t.db,
      { token: invitation.token, password: "kettle orbit cinnamon lantern" },
      null,
    );
    const signedIn = await signInWithPassword(
      t.db,
      { email: "dana.fischer@casefile.demo", password: "kettle orbit cinnamon lantern" },
      null,
    );
    expect(signedIn.ok).toBe(true);
    expect(await peekInvitation(t.db, invitation.token)).toBeNull();
    await expect(
      acceptInvitation(t.db, { token: invitation.token, password: "another kettle orbit lantern" }, null),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await inboxEntries(t, "auth.invitation_accepted")).toHaveLength(1);
  });

  it("refuses bad input with the field at fault, and writes nothing", async () => {
    const before = await t.db.$count(users);
    const ledgerBefore = (await inboxEntries(t)).length;
    expect(
      await failure(sam.admin.users.create({ ...person, email: "dana.fischer@casefile.demo" })),
    ).toMatchObject({
      code: "BAD_REQUEST",
      field: "email",
    });
    expect(await failure(sam.admin.users.create({ ...person, email: "not-an-email" }))).toMatchObject({
      code: "BAD_REQUEST",
      field: "email",
    });
    expect(
      await failure(sam.admin.users.create({ ...person, email: "lena.park@casefile.demo", clearance: 5 })),
    ).toMatchObject({
      code: "BAD_REQUEST",
      field: "clearance",
    });
    expect(
      await failure(sam.admin.users.create({ ...person, email: "soc-team@casefile.demo" })),
    ).toMatchObject({
      code: "BAD_REQUEST",
      field: "email",
    });
    expect(
      await failure(
        sam.admin.users.create({
          ...person,
          email: "edr@casefile.demo",
          roles: ["approver"],
          serviceAccount: true,
        }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST", field: "roles" });
    expect(await t.db.$count(users)).toBe(before);
    expect((await inboxEntries(t)).length).toBe(ledgerBefore);
  });

  it("allows a generic address for a service account, which holds no approver or admin role", async () => {
    const { userId } = await sam.admin.users.create({
      ...person,
      name: "EDR integration",
      email: "soc-alerts@casefile.demo",
      serviceAccount: true,
    });
    expect(await userByEmail("soc-alerts@casefile.demo")).toMatchObject({ serviceAccount: true });
    expect(await failure(sam.admin.users.update({ userId, roles: ["investigator", "admin"] }))).toMatchObject(
      {
        code: "BAD_REQUEST",
        field: "roles",
      },
    );
    expect(await rolesOf(userId)).toEqual(["investigator"]);
  });

  it("tells generic addresses from people's", () => {
    for (const e of ["admin@x.io", "no-reply@x.io", "security.team@x.io", "SOC+alerts@x.io", "info@x.io"])
      expect(isGenericAddress(e.toLowerCase())).toBe(true);
    for (const e of ["ines.ortega@x.io", "it.smith@x.io", "sam@x.io"])
      expect(isGenericAddress(e)).toBe(false);
  });

  it("a removed role or a disabled account takes effect on the person's next request", async () => {
    const inesSession = await sessionFor(t.db, "ines.ortega@casefile.demo");
    const ines = await loadSessionUser(t.db, inesSession);
    if (!ines) throw new Error("no ines");
    const newCase = { title: "After the change", summary: "", severity: 1, tlp: "green" as const };
    await (await callerForSession(t.db, inesSession)).cases.create(newCase);

    await sam.admin.users.update({ userId: ines.id, roles: ["compliance"], clearance: 1 });
    expect(await rolesOf(ines.id)).toEqual(["compliance"]);
    expect(await failure((await callerForSession(t.db, inesSession)).cases.create(newCase))).toMatchObject({
      code: "FORBIDDEN",
    });
    const revoked = (await inboxEntries(t, "user.role_revoked")).map((e) => e.payload);
    expect(revoked).toContainEqual({
      email: "ines.ortega@casefile.demo",
      role: "investigator",
      source: "admin",
    });
    expect((await inboxEntries(t, "user.clearance_changed")).at(-1)?.payload).toMatchObject({
      from: 3,
      to: 1,
    });

    await sam.admin.users.setDisabled({ userId: ines.id, disabled: true });
    expect(await failure((await callerForSession(t.db, inesSession)).me())).toMatchObject({
      code: "UNAUTHORIZED",
    });
    await sam.admin.users.setDisabled({ userId: ines.id, disabled: false });
  });

  it("an admin can neither drop their own admin role nor disable themselves", async () => {
    expect(await failure(sam.admin.users.update({ userId: samUser.id, roles: ["approver"] }))).toMatchObject({
      code: "BAD_REQUEST",
      field: "roles",
    });
    expect(await failure(sam.admin.users.setDisabled({ userId: samUser.id, disabled: true }))).toMatchObject({
      code: "BAD_REQUEST",
      field: "userId",
    });
    expect(await rolesOf(samUser.id)).toEqual(["admin"]);
  });

  it("changes need a fresh second factor", async () => {
    const other = await callerForSession(t.db, await sessionFor(t.db, "sam.okafor@casefile.demo"));
    expect(
      await failure(other.admin.users.create({ ...person, email: "lena.park@casefile.demo" })),
    ).toMatchObject({
      code: "PRECONDITION_FAILED",
      field: "secondFactorCode",
    });
    expect(await userByEmail("lena.park@casefile.demo")).toBeUndefined();
  });

  it("a new invitation ends the older one", async () => {
    const dana = await userByEmail("dana.fischer@casefile.demo");
    if (!dana) throw new Error("no dana");
    const first = await sam.admin.users.invite({ userId: dana.id });
    const second = await sam.admin.users.invite({ userId: dana.id });
    expect(await peekInvitation(t.db, first.token)).toBeNull();
    expect(await peekInvitation(t.db, second.token)).toMatchObject({ email: "dana.fischer@casefile.demo" });
  });
});
