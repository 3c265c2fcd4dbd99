/**
 * The download path every file goes through (reports, campaign exports), with real sessions and
 * the real report service: who is refused, how, and what a file carries.
 */
import { afterAll, describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { loadSessionUser } from "../auth/sessions";
import { DomainError } from "../errors";
import { generateReport } from "../reports/generate";
import { sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { download, type DownloadRequest } from "./download";

// The policy, set before the environment is first read in this file's module graph.
process.env.CASEFILE_REQUIRE_SECOND_FACTOR = "approver";
afterAll(() => {
  delete process.env.CASEFILE_REQUIRE_SECOND_FACTOR;
});

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");

async function userFor(email: string) {
  const user = await loadSessionUser(t.db, await sessionFor(t.db, email));
  if (!user) throw new Error(`no session for ${email}`);
  return user;
}
const carla = await userFor("carla.nguyen@casefile.demo");
const priya = await userFor("priya.raman@casefile.demo");

const requestsCsv = ({ db, user, params, meta }: DownloadRequest) =>
  generateReport(db, user, {
    report: "requests.csv",
    scope: { from: params.get("from"), to: params.get("to"), case: params.get("case") },
    meta,
  }).then((file) => ({ ...file, headers: { "X-Ledger-Entry": file.ledgerEntryId } }));

const url = (query: string) => new Request(`http://casefile.test/api/reports/requests.csv?${query}`);
const period = "from=2026-01-01&to=2026-02-01";

describe("downloads", () => {
  it("refuses the signed-out, and a role that must set up a second factor first", async () => {
    const signedOut = await download(url(period), t.db, null, "test", requestsCsv);
    expect(signedOut.status).toBe(401);
    expect(await signedOut.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    const notEnrolled = await download(url(period), t.db, priya, "test", requestsCsv);
    expect(notEnrolled.status).toBe(403);
    expect(await notEnrolled.json()).toMatchObject({
      error: { code: "FORBIDDEN", message: expect.stringMatching(/two-factor/) as unknown },
    });
  });

  it("refuses unstorable query text and bad input naming the field", async () => {
    const nul = await download(url(`${period}&case=%00`), t.db, carla, "test", requestsCsv);
    expect([nul.status, await nul.json()]).toMatchObject([400, { error: { field: "case" } }]);
    const backwards = await download(url("from=2026-02-01&to=2026-01-01"), t.db, carla, "test", requestsCsv);
    expect([backwards.status, await backwards.json()]).toMatchObject([
      400,
      { error: { code: "BAD_REQUEST", field: "to" } },
    ]);
  });

  it("maps every domain error to its status; anything else is a 500 that names nothing", async () => {
    const conflict = await download(url(period), t.db, carla, "test", () =>
      Promise.reject(new DomainError("CONFLICT", "The campaign is closed.")),
    );
    expect([conflict.status, await conflict.json()]).toEqual([
      409,
      { error: { code: "CONFLICT", message: "The campaign is closed.", field: null } },
    ]);
    const broken = await download(url(period), t.db, carla, "test", () =>
      Promise.reject(new Error("password authentication failed for user casefile")),
    );
    expect(broken.status).toBe(500);
    expect(await broken.text()).not.toMatch(/password|casefile/);
  });

  it("serves the file as an attachment with its length and extra headers", async () => {
    const response = await download(url(period), t.db, carla, "test", requestsCsv);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body.split("\n")[0]).toMatch(/^request_id,case_key,action,/);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.csv"$/);
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-ledger-entry")).toMatch(/./);
  });
});
