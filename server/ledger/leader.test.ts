import { describe, expect, it } from "vitest";
import { testDatabase } from "../testing/db";
import { Leadership } from "./leader";

const t = await testDatabase();

describe("ledger integration leadership", () => {
  it("is held by one process at a time and passes on when the leader's session ends", async () => {
    const first = new Leadership(t.ledgerUrl);
    const second = new Leadership(t.ledgerUrl);
    // Asked at once, exactly one leads.
    const answers = await Promise.all([first.held(), second.held()]);
    expect(answers.filter(Boolean)).toHaveLength(1);
    const [leader, follower] = answers[0] ? [first, second] : [second, first];
    expect(await leader.held()).toBe(true);
    expect(await follower.held()).toBe(false);

    // The leader's database session is cut (a killed process, a failover): the other takes over.
    await t.owner.sql`
      select pg_terminate_backend(pid) from pg_locks
      where locktype = 'advisory' and objid = 7412003 and granted`;
    await expect.poll(() => follower.held()).toBe(true);
    await expect.poll(() => leader.held()).toBe(false);

    // Released at shutdown, it passes on at once.
    await follower.release();
    expect(await leader.held()).toBe(true);
    await leader.release();
  });
});
