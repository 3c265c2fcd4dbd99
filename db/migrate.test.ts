import { describe, expect, it } from "vitest";
import { testDatabase } from "@/server/testing/db";
import { runMigrations } from "./migrate";

const empty = await testDatabase({ migrated: false });

describe("migrations", () => {
  it("apply to an empty database and a second run changes nothing", async () => {
    const before = await empty.owner
      .sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
    expect(before[0]?.n).toBe(0);

    await runMigrations(empty.ownerUrl);
    const tables = await empty.owner.sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(["user_roles", "user_sessions", "users"]),
    );

    const applied = await empty.owner.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
    await runMigrations(empty.ownerUrl);
    const again = await empty.owner.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(again[0]?.n).toBe(applied[0]?.n);
  });
});
