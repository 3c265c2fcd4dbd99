import { describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { loadSessionUser } from "../auth/sessions";
import { callerFor, sessionFor } from "../testing/callers";
import { testDatabase } from "../testing/db";
import { createContextInner } from "../trpc/init";
import { trpcResponse } from "./trpc-response";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
const lead = await callerFor(t.db, "ines.ortega@casefile.demo");
const { id: caseId } = await lead.cases.create({
  title: "Cached answers",
  summary: "Secret",
  severity: 2,
  tlp: "red",
});
const sessionId = await sessionFor(t.db, "ines.ortega@casefile.demo");
const meta = { requestId: "test", ip: "127.0.0.1", userAgent: "vitest" };

/** What the route handler answers for a query, as the signed-in lead (or anonymous). */
async function get(path: string, input: unknown, signedIn = true) {
  const query = new URLSearchParams({ input: JSON.stringify({ json: input }) });
  const req = new Request(`http://localhost:3000/api/trpc/${path}?${query}`);
  const user = signedIn ? await loadSessionUser(t.db, sessionId) : null;
  return trpcResponse(req, () => Promise.resolve(createContextInner({ db: t.db, user, meta })));
}

describe("API answers are never cached", () => {
  it.each([
    ["cases.get", { caseId }],
    ["cases.timeline.list", { caseId }],
    ["cases.entities.list", { caseId }],
    ["requests.ofCase", { caseId }],
    ["me", undefined],
  ])("%s answers with Cache-Control: no-store", async (path, input) => {
    const response = await get(path, input);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("the case's content is in the answer it applies to", async () => {
    const response = await get("cases.get", { caseId });
    expect(await response.text()).toContain("Cached answers");
  });

  it("refusals are not cached either", async () => {
    const anonymous = await get("cases.get", { caseId }, false);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("cache-control")).toBe("no-store");
    const crossSite = await trpcResponse(
      new Request("http://localhost:3000/api/trpc/cases.create", {
        method: "POST",
        headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
        body: "{}",
      }),
      () => Promise.resolve(createContextInner({ db: t.db, user: null, meta })),
    );
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get("cache-control")).toBe("no-store");
  });
});
