import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { checkCredentials } from "@/server/auth/sessions";
import { testDatabase } from "@/server/testing/db";
import { userRoles, users } from "@/db/schema";
import { DEMO_ACCOUNTS, isEmpty, seedDemo } from "./seed";

const { db, sql } = await testDatabase();
const PASSWORD = "demo-password-for-tests";

describe("demo seed", () => {
  it("creates the demo organisation with every role, then is idempotent", async () => {
    expect(await isEmpty(db)).toBe(true);
    const created = await seedDemo(db, PASSWORD);
    expect(created).toHaveLength(DEMO_ACCOUNTS.length);

    const rows = await db
      .select({ email: users.email, clearance: users.clearance, role: userRoles.role })
      .from(users)
      .innerJoin(userRoles, eq(userRoles.userId, users.id));
    const withRole = (role: string) => rows.filter((r) => r.role === role);
    expect(withRole("investigator").length).toBeGreaterThanOrEqual(2);
    expect(withRole("approver")).toHaveLength(2);
    expect(new Set(withRole("approver").map((r) => r.clearance)).size).toBe(2);
    expect(withRole("compliance")).toHaveLength(1);
    expect(withRole("admin")).toHaveLength(1);

    const counts = async () =>
      (
        await sql`select (select count(*) from users)::int as u, (select count(*) from user_roles)::int as r`
      )[0];
    const first = await counts();
    expect(await seedDemo(db, PASSWORD)).toEqual([]);
    expect(await counts()).toEqual(first);
    expect(await isEmpty(db)).toBe(false);
  });

  it("gives every demo account the demo password", async () => {
    for (const account of DEMO_ACCOUNTS) {
      expect((await checkCredentials(db, account.email, PASSWORD)).ok).toBe(true);
    }
  });
});
