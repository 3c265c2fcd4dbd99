/**
 * The authorization matrix: every procedure of the router, declared once here with the
 * guard it must enforce, probed as anonymous and as someone the guard must keep out.
 * A procedure added without a row here fails this suite.
 */
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { approvals, TOKEN_SCOPES, users, type TokenScope } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { callerFor } from "../testing/callers";
import { allScopesBut, callerForToken, tokenFor } from "../testing/tokens";
import { testDatabase } from "../testing/db";
import { giveRoles } from "../testing/roles";
import { appRouter } from "./routers/_app";

const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);

const anonymous = await callerFor(t.db, null);
const ines = await callerFor(t.db, "ines.ortega@casefile.demo"); // lead of the case below
const marcus = await callerFor(t.db, "marcus.webb@casefile.demo"); // investigator, no member, no approver
const priya = await callerFor(t.db, "priya.raman@casefile.demo");

const { id: caseId, key: caseKey } = await ines.cases.create({
  title: "Authorization matrix case",
  summary: "",
  severity: 2,
  tlp: "amber",
});
const { id: entityId } = await ines.cases.entities.add({ caseId, kind: "ip", value: "203.0.113.9" });
const { id: evidenceId } = await ines.cases.evidence.register({
  caseId,
  name: "x.csv",
  sha256: "b".repeat(64),
  sizeBytes: 1,
  source: "test",
  acquiredAt: new Date("2026-11-20T00:00:00Z"),
});
const logs = {
  table: "auth_logs",
  columns: ["ts"],
  subject: "203.0.113.9",
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-20T00:00:00Z",
  rowCap: 10,
};
const ask = {
  caseId,
  actionKey: "logs.query",
  params: logs,
  justification: "Sign-ins of the address on the night of the incident, for the timeline.",
  minutes: 10,
};
const { id: requestId } = await ines.requests.create(ask);
const { id: grantedId } = await ines.requests.create(ask);
const hash = (await priya.requests.review({ requestId: grantedId })).request.paramsHash;
const { grantId } = await priya.requests.decide({
  requestId: grantedId,
  paramsHashSeen: hash,
  decision: "approve",
});
const userId = (await ines.me()).id;

// A member who asked for an action, then was taken off the case.
const [dana] = await t.db
  .insert(users)
  .values({ name: "Dana Fischer", email: "dana.fischer@casefile.demo", clearance: 2 })
  .returning({ id: users.id });
const removedId = dana?.id ?? "";
await giveRoles(t.db, removedId, ["investigator"]);
await ines.cases.members.add({ caseId, userId: removedId, access: "write" });
const removed = await callerFor(t.db, "dana.fischer@casefile.demo");
const { id: removedRequestId } = await removed.requests.create(ask);
await ines.cases.members.remove({ caseId, userId: removedId });

type Caller = typeof ines;
/**
 * `guard`: who is kept out — "signed-in" (anyone signed in may call), a list of roles (others get
 * FORBIDDEN), "case" (non-members get NOT_FOUND), "request" / "grant" (someone with no part in it
 * gets NOT_FOUND).
 */
type Row = {
  guard: "signed-in" | "case" | "request" | "grant" | string[];
  call: (c: Caller) => Promise<unknown>;
  /** The removed member's probe where it differs: on their own old request, and what it must answer. */
  removed?: { call: (c: Caller) => Promise<unknown>; code: string };
  /** The API token column: the scopes that open the procedure to a token; absent, no token may call it. */
  token?: TokenScope[];
};
const MATRIX: Record<string, Row> = {
  me: { guard: "signed-in", call: (c) => c.me(), token: [...TOKEN_SCOPES] },
  "account.sessions": { guard: "signed-in", call: (c) => c.account.sessions() },
  "account.signOutOthers": {
    guard: "signed-in",
    call: (c) => c.account.signOutOthers({ sessionId: userId }),
  },
  "account.notices": { guard: "signed-in", call: (c) => c.account.notices() },
  "account.dismissNotice": { guard: "signed-in", call: (c) => c.account.dismissNotice({ noticeId: userId }) },
  "account.sudo": { guard: "signed-in", call: (c) => c.account.sudo() },
  "notifications.list": { guard: "signed-in", call: (c) => c.notifications.list() },
  "notifications.markRead": { guard: "signed-in", call: (c) => c.notifications.markRead({ ids: "all" }) },
  "notifications.preferences": { guard: "signed-in", call: (c) => c.notifications.preferences() },
  "notifications.setPreferences": {
    guard: "signed-in",
    call: (c) => c.notifications.setPreferences({ emailMode: "immediate", muted: [] }),
  },
  "notifications.escalations": {
    guard: ["approver", "admin"],
    call: (c) => c.notifications.escalations({ requestIds: [requestId] }),
  },
  "notifications.delegations": { guard: "signed-in", call: (c) => c.notifications.delegations() },
  "notifications.delegate": {
    guard: ["approver"],
    call: (c) =>
      c.notifications.delegate({
        toUserId: userId,
        startsAt: new Date("2026-01-01T00:00:00Z"),
        endsAt: new Date("2026-01-02T00:00:00Z"),
      }),
  },
  "notifications.endDelegation": {
    guard: "signed-in",
    call: (c) => c.notifications.endDelegation({ delegationId: userId }),
  },
  "notifications.chatLinks": { guard: "signed-in", call: (c) => c.notifications.chatLinks() },
  "notifications.confirmChatLink": {
    guard: "signed-in",
    call: (c) => c.notifications.confirmChatLink({ code: "not-a-real-code" }),
  },
  "notifications.removeChatLink": {
    guard: "signed-in",
    call: (c) => c.notifications.removeChatLink({ linkId: userId }),
  },
  "account.secondFactor.status": { guard: "signed-in", call: (c) => c.account.secondFactor.status() },
  "account.secondFactor.begin": { guard: "signed-in", call: (c) => c.account.secondFactor.begin() },
  "account.secondFactor.confirm": {
    guard: "signed-in",
    call: (c) => c.account.secondFactor.confirm({ code: "000000" }),
  },
  "account.secondFactor.stepUp": {
    guard: "signed-in",
    call: (c) => c.account.secondFactor.stepUp({ code: "000000" }),
  },
  "admin.users.list": { guard: ["admin"], call: (c) => c.admin.users.list() },
  "admin.workers": { guard: ["admin"], call: (c) => c.admin.workers() },
  "admin.users.create": {
    guard: ["admin"],
    call: (c) =>
      c.admin.users.create({
        name: "Matrix Person",
        email: "matrix.person@casefile.demo",
        roles: [],
        clearance: 1,
      }),
  },
  "admin.users.update": {
    guard: ["admin"],
    call: (c) => c.admin.users.update({ userId, clearance: 3 }),
  },
  "admin.users.invite": { guard: ["admin"], call: (c) => c.admin.users.invite({ userId }) },
  "admin.users.resetSecondFactor": {
    guard: ["admin"],
    call: (c) => c.admin.users.resetSecondFactor({ userId }),
  },
  "admin.users.setDisabled": {
    guard: ["admin"],
    call: (c) => c.admin.users.setDisabled({ userId, disabled: false }),
  },
  "admin.actionTypes.list": { guard: ["admin"], call: (c) => c.admin.actionTypes.list() },
  "admin.connectors.list": { guard: ["admin"], call: (c) => c.admin.connectors.list() },
  "admin.connectors.save": {
    guard: ["admin"],
    call: (c) => c.admin.connectors.save({ name: "x", kind: "postgres", serves: [] }),
  },
  "admin.connectors.test": { guard: ["admin"], call: (c) => c.admin.connectors.test({ id: userId }) },
  "admin.actionTypes.update": {
    guard: ["admin"],
    call: (c) => c.admin.actionTypes.update({ key: "logs.query", version: 1, patch: {} }),
  },
  "campaigns.list": { guard: ["compliance"], call: (c) => c.campaigns.list() },
  "campaigns.open": {
    guard: ["compliance"],
    call: (c) =>
      c.campaigns.open({
        title: "Matrix campaign",
        periodStart: new Date(Date.now() - 86_400_000),
        periodEnd: new Date(),
      }),
  },
  "campaigns.get": { guard: ["compliance"], call: (c) => c.campaigns.get({ campaignId: userId }) },
  "campaigns.results": { guard: ["compliance"], call: (c) => c.campaigns.results({ campaignId: userId }) },
  "campaigns.attest": {
    guard: ["compliance"],
    call: (c) => c.campaigns.attest({ campaignId: userId, approvalId: userId, verdict: "appropriate" }),
  },
  "campaigns.close": {
    guard: ["compliance"],
    call: (c) => c.campaigns.close({ campaignId: userId, reason: "matrix probe" }),
  },
  "alerts.ingest": {
    guard: ["investigator"],
    token: ["events:ingest"],
    call: (c) =>
      c.alerts.ingest({
        "@timestamp": new Date("2026-11-19T09:00:00Z"),
        observer: { name: "matrix" },
        event: { id: "matrix-1" },
        rule: { name: "Matrix alert" },
      }),
  },
  "cases.list": { token: ["cases:read"], guard: "signed-in", call: (c) => c.cases.list({}) },
  "cases.byKey": { token: ["cases:read"], guard: "case", call: (c) => c.cases.byKey({ key: caseKey }) },
  "cases.get": { token: ["cases:read"], guard: "case", call: (c) => c.cases.get({ caseId }) },
  "cases.create": {
    token: ["cases:write"],
    guard: ["investigator"],
    call: (c) => c.cases.create({ title: "Another case", summary: "", severity: 1, tlp: "green" }),
  },
  "cases.update": {
    token: ["cases:write"],
    guard: "case",
    call: (c) => c.cases.update({ caseId, version: 1, title: "Renamed" }),
  },
  "cases.setStatus": {
    token: ["cases:write"],
    guard: "case",
    call: (c) => c.cases.setStatus({ caseId, version: 1, status: "triage" }),
  },
  "cases.requestAccess": {
    guard: "signed-in",
    call: (c) => c.cases.requestAccess({ key: "CASE-2026-9999", reason: "Need it for the handover." }),
  },
  "cases.accessRequests.list": { guard: "case", call: (c) => c.cases.accessRequests.list({ caseId }) },
  "cases.accessRequests.answer": {
    guard: "case",
    call: (c) => c.cases.accessRequests.answer({ caseId, requestId: caseId, grant: null }),
  },
  "cases.members.list": {
    token: ["cases:read"],
    guard: "case",
    call: (c) => c.cases.members.list({ caseId }),
  },
  "cases.members.candidates": { guard: "case", call: (c) => c.cases.members.candidates({ caseId }) },
  "cases.members.add": {
    guard: "case",
    call: (c) => c.cases.members.add({ caseId, userId, access: "read" }),
  },
  "cases.members.remove": { guard: "case", call: (c) => c.cases.members.remove({ caseId, userId }) },
  "cases.entities.list": {
    token: ["cases:read"],
    guard: "case",
    call: (c) => c.cases.entities.list({ caseId }),
  },
  "cases.entities.get": {
    token: ["cases:read"],
    guard: "case",
    call: (c) => c.cases.entities.get({ caseId, entityId }),
  },
  "cases.entities.add": {
    token: ["cases:write", "events:ingest"],
    guard: "case",
    call: (c) => c.cases.entities.add({ caseId, kind: "host", value: "ws-1" }),
  },
  "cases.entities.update": {
    token: ["cases:write"],
    guard: "case",
    call: (c) => c.cases.entities.update({ caseId, entityId, notes: "x" }),
  },
  "cases.timeline.list": {
    token: ["cases:read"],
    guard: "case",
    call: (c) => c.cases.timeline.list({ caseId }),
  },
  "cases.timeline.add": {
    token: ["cases:write", "events:ingest"],
    guard: "case",
    call: (c) => c.cases.timeline.add({ caseId, occurredAt: new Date(), title: "Event" }),
  },
  "cases.timeline.star": {
    token: ["cases:write"],
    guard: "case",
    call: (c) => c.cases.timeline.star({ caseId, eventId: entityId, starred: true }),
  },
  "cases.timeline.import": {
    token: ["cases:write", "events:ingest"],
    guard: "case",
    call: (c) => c.cases.timeline.import({ caseId, format: "csv", content: "occurred_at,title\n" }),
  },
  "cases.notes.list": { token: ["cases:read"], guard: "case", call: (c) => c.cases.notes.list({ caseId }) },
  "cases.notes.add": {
    token: ["cases:write"],
    guard: "case",
    call: (c) => c.cases.notes.add({ caseId, body: "A note" }),
  },
  "cases.evidence.list": {
    token: ["cases:read"],
    guard: "case",
    call: (c) => c.cases.evidence.list({ caseId }),
  },
  "cases.evidence.content": { guard: "case", call: (c) => c.cases.evidence.content({ caseId, evidenceId }) },
  "cases.evidence.register": {
    token: ["cases:write"],
    guard: "case",
    call: (c) =>
      c.cases.evidence.register({
        caseId,
        name: "y",
        sha256: "c".repeat(64),
        sizeBytes: 1,
        source: "s",
        acquiredAt: new Date(),
      }),
  },
  "cases.ledgerMatch": {
    guard: "case",
    call: (c) => c.cases.ledgerMatch({ caseId, kind: "evidence", ids: [evidenceId] }),
  },
  "cases.evidence.custody": {
    guard: "case",
    call: (c) => c.cases.evidence.custody({ caseId, evidenceId, action: "accessed", note: "looked" }),
  },
  "compliance.dashboard": {
    guard: ["compliance"],
    call: (c) =>
      c.compliance.dashboard({
        from: new Date("2026-11-01T00:00:00Z"),
        to: new Date("2026-11-30T00:00:00Z"),
      }),
  },
  "compliance.rows": {
    guard: ["compliance"],
    call: (c) =>
      c.compliance.rows({
        kind: "requests",
        from: new Date("2026-11-01T00:00:00Z"),
        to: new Date("2026-11-30T00:00:00Z"),
      }),
  },
  "compliance.findings.list": { guard: ["compliance"], call: (c) => c.compliance.findings.list({}) },
  "compliance.findings.get": {
    guard: ["compliance"],
    call: (c) => c.compliance.findings.get({ findingId: userId }),
  },
  "compliance.findings.triage": {
    guard: ["compliance"],
    call: (c) => c.compliance.findings.triage({ findingId: userId, status: "acknowledged", note: "" }),
  },
  "compliance.detectors.list": { guard: ["compliance"], call: (c) => c.compliance.detectors.list() },
  "compliance.detectors.save": {
    guard: ["compliance"],
    call: (c) => c.compliance.detectors.save({ detector: "off_hours", enabled: true, thresholds: {} }),
  },
  "compliance.detectors.run": { guard: ["compliance"], call: (c) => c.compliance.detectors.run() },
  "ledger.entries": {
    token: ["ledger:read"],
    guard: ["compliance", "admin"],
    call: (c) => c.ledger.entries({}),
  },
  "ledger.types": { token: ["ledger:read"], guard: ["compliance", "admin"], call: (c) => c.ledger.types() },
  "ledger.actors": { token: ["ledger:read"], guard: ["compliance", "admin"], call: (c) => c.ledger.actors() },
  "ledger.entry": {
    token: ["ledger:read"],
    guard: ["compliance", "admin"],
    call: (c) => c.ledger.entry({ seq: 1 }),
  },
  "ledger.latestCheckpoint": {
    token: ["ledger:read"],
    guard: ["compliance", "admin"],
    call: (c) => c.ledger.latestCheckpoint(),
  },
  "ledger.inclusionProof": {
    token: ["ledger:read"],
    guard: ["compliance", "admin"],
    call: (c) => c.ledger.inclusionProof({ seq: 1 }),
  },
  "ledger.consistencyProof": {
    token: ["ledger:read"],
    guard: ["compliance", "admin"],
    call: (c) => c.ledger.consistencyProof({ size1: 1, size2: 1 }),
  },
  "ledger.verify": { guard: ["compliance", "admin"], call: (c) => c.ledger.verify() },
  "requests.catalogue": {
    token: ["requests:create", "cases:read"],
    guard: "signed-in",
    call: (c) => c.requests.catalogue(),
  },
  "requests.create": { token: ["requests:create"], guard: "case", call: (c) => c.requests.create(ask) },
  "requests.breakGlass": {
    guard: "case",
    call: (c) => c.requests.breakGlass({ ...ask, reason: ask.justification }),
  },
  "requests.ofCase": {
    token: ["requests:create", "cases:read"],
    guard: "case",
    call: (c) => c.requests.ofCase({ caseId }),
  },
  "requests.cancel": {
    token: ["requests:create"],
    guard: "request",
    call: (c) => c.requests.cancel({ requestId }),
    // Withdrawing one's own request shows nothing and takes nothing.
    removed: { call: (c) => c.requests.cancel({ requestId: removedRequestId }), code: "OK" },
  },
  "requests.queue": { guard: "signed-in", call: (c) => c.requests.queue() },
  "requests.refusal": { guard: "signed-in", call: (c) => c.requests.refusal({ requestId }) },
  "requests.review": {
    token: ["requests:create", "cases:read"],
    guard: "request",
    call: (c) => c.requests.review({ requestId }),
    removed: { call: (c) => c.requests.review({ requestId: removedRequestId }), code: "NOT_FOUND" },
  },
  "requests.decide": {
    guard: "request",
    call: (c) =>
      c.requests.decide({ requestId, paramsHashSeen: hash, decision: "deny", comment: "Not this way." }),
    removed: {
      call: (c) =>
        c.requests.decide({
          requestId: removedRequestId,
          paramsHashSeen: hash,
          decision: "deny",
          comment: "Not this way.",
        }),
      // Refused for being the requester (and recorded as a self-approval attempt); shows no case content.
      code: "FORBIDDEN",
    },
  },
  "requests.live": { guard: "signed-in", call: (c) => c.requests.live() },
  "requests.breakGlassReviews": { guard: "signed-in", call: (c) => c.requests.breakGlassReviews() },
  "requests.reviewBreakGlass": {
    guard: ["approver", "compliance"],
    call: (c) => c.requests.reviewBreakGlass({ requestId, verdict: "justified", note: "fine by me" }),
  },
  "actions.execute": {
    token: ["grants:execute"],
    guard: "case",
    call: (c) => c.actions.execute({ caseId, grantId: grantId ?? "", params: logs }),
  },
  "tokens.mine": { guard: "signed-in", call: (c) => c.tokens.mine() },
  "tokens.create": {
    guard: "signed-in",
    call: (c) => c.tokens.create({ name: "matrix", scopes: ["cases:read"], password: "wrong" }),
  },
  "tokens.revoke": { guard: "signed-in", call: (c) => c.tokens.revoke({ tokenId: userId }) },
  "tokens.all": { guard: ["admin"], call: (c) => c.tokens.all() },
  "tokens.createService": {
    guard: ["admin"],
    call: (c) =>
      c.tokens.createService({
        name: "matrix",
        scopes: ["cases:read"],
        serviceAccountId: userId,
        ownerId: userId,
      }),
  },
  "actions.revokeGrant": {
    token: ["grants:execute"],
    guard: "grant",
    call: (c) => c.actions.revokeGrant({ grantId: grantId ?? "" }),
  },
};

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "OK",
    (e: unknown) => (e instanceof TRPCError ? e.code : `not a TRPCError: ${String(e)}`),
  );
}

const procedures = Object.keys(
  (appRouter._def as unknown as { procedures: Record<string, unknown> }).procedures,
);

describe("the authorization matrix", () => {
  it("declares every procedure of the router, and nothing else", () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...procedures].sort());
  });

  it.each(procedures)("%s refuses an anonymous caller", async (path) => {
    const row = MATRIX[path];
    if (!row) throw new Error(`no row for ${path}`);
    expect(await codeOf(row.call(anonymous))).toBe("UNAUTHORIZED");
  });

  it.each(procedures.filter((p) => MATRIX[p]?.guard !== "signed-in"))(
    "%s keeps out an investigator with no part in it",
    async (path) => {
      const row = MATRIX[path];
      if (!row) throw new Error(`no row for ${path}`);
      const expected = Array.isArray(row.guard)
        ? row.guard.includes("investigator")
          ? "OK"
          : "FORBIDDEN"
        : "NOT_FOUND";
      expect(await codeOf(row.call(marcus))).toBe(expected);
    },
  );

  it.each(procedures.filter((p) => MATRIX[p]?.guard !== "signed-in"))(
    "%s keeps out a member removed from the case",
    async (path) => {
      const row = MATRIX[path];
      if (!row) throw new Error(`no row for ${path}`);
      const expected =
        row.removed?.code ??
        (Array.isArray(row.guard) ? (row.guard.includes("investigator") ? "OK" : "FORBIDDEN") : "NOT_FOUND");
      expect(await codeOf((row.removed?.call ?? row.call)(removed))).toBe(expected);
    },
  );

  it("shows a removed member nothing of the case in the lists anyone signed in may read", async () => {
    expect((await removed.cases.list({})).map((c) => c.key)).not.toContain(caseKey);
    expect(await removed.requests.queue()).toEqual({ items: [], total: 0 });
    expect(await removed.requests.breakGlassReviews()).toEqual([]);
  });
});

async function refusalOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "OK",
    (e: unknown) => (e instanceof TRPCError ? `${e.code}: ${e.message}` : `not a TRPCError: ${String(e)}`),
  );
}
const TOKEN_REFUSAL = /^FORBIDDEN: (API tokens cannot|This token lacks)/;

describe("the authorization matrix for API tokens", () => {
  it.each(procedures)(
    "%s: a token with every scope gets through only where the matrix opens it",
    async (path) => {
      const row = MATRIX[path];
      if (!row) throw new Error(`no row for ${path}`);
      const { token } = await tokenFor(t.db, "marcus.webb@casefile.demo");
      const outcome = await refusalOf(row.call(await callerForToken(t.db, token)));
      if (row.token) expect(outcome).not.toMatch(TOKEN_REFUSAL);
      else expect(outcome).toMatch(/^FORBIDDEN: API tokens cannot/);
    },
  );

  it.each(procedures.filter((p) => MATRIX[p]?.token && p !== "me"))(
    "%s: a token without its scope is refused",
    async (path) => {
      const row = MATRIX[path];
      if (!row?.token) throw new Error(`no token row for ${path}`);
      const { token } = await tokenFor(t.db, "marcus.webb@casefile.demo", allScopesBut(...row.token));
      expect(await refusalOf(row.call(await callerForToken(t.db, token)))).toMatch(
        /^FORBIDDEN: This token lacks/,
      );
    },
  );

  it("never lets an approver's token decide, nor an admin's change policy or people", async () => {
    const { id: pendingId } = await ines.requests.create(ask);
    const seen = (await priya.requests.review({ requestId: pendingId })).request.paramsHash;
    const approverToken = await callerForToken(
      t.db,
      (await tokenFor(t.db, "priya.raman@casefile.demo")).token,
    );
    const adminToken = await callerForToken(t.db, (await tokenFor(t.db, "sam.okafor@casefile.demo")).token);
    const outcomes = await Promise.all([
      refusalOf(
        approverToken.requests.decide({ requestId: pendingId, paramsHashSeen: seen, decision: "approve" }),
      ),
      refusalOf(
        approverToken.requests.reviewBreakGlass({ requestId: pendingId, verdict: "justified", note: "x" }),
      ),
      refusalOf(
        adminToken.admin.actionTypes.update({
          key: "logs.query",
          version: 1,
          patch: { approvalsRequired: 1 },
        }),
      ),
      refusalOf(adminToken.admin.users.update({ userId, clearance: 4 })),
      refusalOf(
        adminToken.tokens.createService({
          name: "x",
          scopes: ["cases:read"],
          serviceAccountId: userId,
          ownerId: userId,
        }),
      ),
      refusalOf(approverToken.tokens.create({ name: "x", scopes: ["cases:read"] })),
    ]);
    for (const outcome of outcomes) expect(outcome).toMatch(/^FORBIDDEN: API tokens cannot/);
    expect(await t.db.select().from(approvals).where(eq(approvals.requestId, pendingId))).toEqual([]);
  });
});
