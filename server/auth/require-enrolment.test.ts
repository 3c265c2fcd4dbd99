import { afterAll, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { callerFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { enrolSecondFactor } from "../testing/second-factor";
import { failure } from "../testing/failure";

// The policy, set before the environment is first read in this file's module graph.
process.env.CASEFILE_REQUIRE_SECOND_FACTOR = "approver,admin";
afterAll(() => {
  delete process.env.CASEFILE_REQUIRE_SECOND_FACTOR;
});

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const PRIYA = "priya.raman@casefile.demo";

it("keeps an approver who has not set up a second factor to their account until they do", async () => {
  const before = await callerFor(t.db, PRIYA);
  const refused = await failure(before.requests.queue());
  expect([refused.code, refused.message]).toEqual([
    "FORBIDDEN",
    "Your role requires two-factor authentication: set it up under Your account first.",
  ]);
  expect((await before.me()).mustEnrolFirst).toBe(true);
  await enrolSecondFactor(before, "demo-password-for-tests");

  const after = await callerFor(t.db, PRIYA);
  expect((await after.me()).mustEnrolFirst).toBe(false);
  expect(await after.requests.queue()).toEqual({ items: [], total: 0 });
  // Roles the policy does not name are not held back.
  const ines = await callerFor(t.db, "ines.ortega@casefile.demo");
  await expect(ines.cases.list({})).resolves.toBeInstanceOf(Array);
});
