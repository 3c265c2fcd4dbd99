import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { inboxEntries } from "../testing/ledger-inbox";
import { acceptInvitation, issueInvitation } from "./invitations";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");

const [sam] = await t.db.select().from(users).where(eq(users.email, "sam.okafor@casefile.demo"));
const [tom] = await t.db.select().from(users).where(eq(users.email, "tom.becker@casefile.demo"));
if (!sam || !tom) throw new Error("seed missing");

const invite = () => t.db.transaction((tx) => issueInvitation(tx, { id: sam.id, name: sam.name }, tom, null));
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: { code?: string; field?: string; message?: string }) => ({
      code: e.code,
      field: e.field,
      message: e.message,
    }),
  );

describe("choosing a password through an invitation", () => {
  it.each([
    ["aaaaaaaaaaaa", /repeat/i],
    ["abcdefghijklmnop", /sequence|predictable/i],
    ["123456789012", /sequence|predictable/i],
    ["password1234", /common/i],
    ["Password123!", /common/i],
    ["qwertyuiop12", /sequence|keyboard|predictable/i],
    ["tom.becker@casefile", /your (name|email)/i],
    ["short", /at least 12/],
  ])("refuses %s with the reason", async (password, reason) => {
    const { token } = await invite();
    const refused = await refusal(acceptInvitation(t.db, { token, password }, null));
    expect(refused).toMatchObject({ code: "BAD_REQUEST", field: "password" });
    expect(refused?.message).toMatch(reason);
  });

  it("ends every session of the person and records it", async () => {
    const before = [await sessionFor(t.db, tom.email), await sessionFor(t.db, tom.email)];
    const { token } = await invite();
    await acceptInvitation(t.db, { token, password: "kettle orbit cinnamon lantern" }, null);
    const rows = await t.owner.sql<{ id: string; revoked: boolean }[]>`
      select id, revoked_at is not null as revoked from user_sessions where user_id = ${tom.id}`;
    expect(rows.filter((r) => before.includes(r.id)).every((r) => r.revoked)).toBe(true);
    const [entry] = (await inboxEntries(t, "auth.sessions_signed_out")).filter((e) =>
      e.subjects.includes(tom.id),
    );
    expect(entry).toMatchObject({ actor: { id: tom.id }, payload: { count: 2, reason: "password_set" } });
  });
});
