/**
 * What each recorded step tells whom. A handler reads the ledger entry's type and subjects
 * only, then the rows as they stand, and drafts the minimum: case key, action, risk, who.
 */
import { eq } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { approvals, findings, reviewCampaigns } from "@/db/schema";
import { paths } from "./links";
import type { Draft } from "./queue";
import {
  eligibleApprovers,
  peopleWithRoles,
  person,
  type Recipient,
  requestFacts,
  type RequestFactsRow,
} from "./recipients";

export type Entry = {
  id: string;
  type: string;
  at: string;
  actor: { id: string; name: string } | null;
  subjects: string[];
  payload: Record<string, unknown>;
};

type Handler = (tx: Tx, entry: Entry) => Promise<Draft[]>;

const RISK = { low: "low", medium: "medium", high: "HIGH", critical: "CRITICAL" } as const;

function aboutRequest(f: RequestFactsRow): string {
  return [
    `Case: ${f.caseKey}`,
    `Action: ${f.type.title} (${f.type.key})`,
    `Risk: ${RISK[f.type.riskTier]}`,
    `Requested by: ${f.requesterName}`,
  ].join("\n");
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");

const draftsFor = (to: Recipient[], d: Omit<Draft, "to">): Draft[] => to.map((r) => ({ ...d, to: r }));

async function onRequest(tx: Tx, entry: Entry) {
  const id = entry.subjects[0];
  return id ? requestFacts(tx, id) : null;
}

const HANDLERS: Record<string, Handler> = {
  "request.created": async (tx, entry) => {
    const f = await onRequest(tx, entry);
    if (!f || f.status !== "pending") return [];
    return draftsFor(await eligibleApprovers(tx, f), {
      kind: "request.new",
      about: f.id,
      subject: `[${f.caseKey}] Approval needed: ${f.type.title} (${RISK[f.type.riskTier]} risk)`,
      body: `${aboutRequest(f)}\nDecide before: ${f.expiresAt.toISOString()}`,
      path: paths.request(f.id),
    });
  },
  "request.reminded": async (tx, entry) => {
    const f = await onRequest(tx, entry);
    if (!f || f.status !== "pending") return [];
    return draftsFor(await undecided(tx, f, await eligibleApprovers(tx, f)), {
      kind: "request.reminder",
      about: f.id,
      subject: `[${f.caseKey}] Still waiting for a decision: ${f.type.title} (${RISK[f.type.riskTier]} risk)`,
      body: `${aboutRequest(f)}\nExpires without a decision at: ${f.expiresAt.toISOString()}`,
      path: paths.request(f.id),
    });
  },
  "request.escalated": async (tx, entry) => {
    const f = await onRequest(tx, entry);
    if (!f || f.status !== "pending") return [];
    const approvers = await undecided(tx, f, await eligibleApprovers(tx, f));
    const admins = (await peopleWithRoles(tx, ["admin"])).filter(
      (a) => a.id !== f.requesterId && !approvers.some((p) => p.id === a.id),
    );
    return draftsFor([...approvers, ...admins], {
      kind: "request.escalated",
      about: f.id,
      subject: `[${f.caseKey}] Escalated: nobody has decided ${f.type.title} (${RISK[f.type.riskTier]} risk)`,
      body: `${aboutRequest(f)}\nExpires without a decision at: ${f.expiresAt.toISOString()}\nFind an eligible approver, or decide if you are one.`,
      path: paths.request(f.id),
    });
  },
  "request.denied": async (tx, entry) => {
    const f = await onRequest(tx, entry);
    const to = f && (await person(tx, f.requesterId));
    if (!f || !to) return [];
    return draftsFor([to], {
      kind: "request.decided",
      about: `${f.id}:denied`,
      subject: `[${f.caseKey}] Denied: ${f.type.title}`,
      body: `${aboutRequest(f)}\nDenied by: ${entry.actor?.name ?? "an approver"}`,
      path: paths.request(f.id),
    });
  },
  "request.approved": approvalGiven,
  "request.narrowed": approvalGiven,
  "grant.created": async (tx, entry) => {
    const [grantId, requestId] = entry.subjects;
    const f = requestId ? await requestFacts(tx, requestId) : null;
    const to = f && !f.breakGlass ? await person(tx, f.requesterId) : null;
    if (!f || !to || !grantId) return [];
    return draftsFor([to], {
      kind: "grant.created",
      about: grantId,
      subject: `[${f.caseKey}] Granted: ${f.type.title}`,
      body: `${aboutRequest(f)}\nGrant expires: ${text(entry.payload.expiresAt)}`,
      path: paths.request(f.id),
    });
  },
  "request.break_glass": async (tx, entry) => {
    const f = await onRequest(tx, entry);
    if (!f) return [];
    const people = await peopleWithRoles(tx, [...f.type.approverRoles, "compliance"]);
    return draftsFor(
      people.filter((p) => p.id !== f.requesterId),
      {
        kind: "break_glass",
        about: f.id,
        subject: `[${f.caseKey}] Break-glass: ${f.requesterName} ran ${f.type.title} without approval`,
        body: `${aboutRequest(f)}\nBreak-glass needs a review after the fact.`,
        path: paths.request(f.id),
      },
    );
  },
  "finding.opened": async (tx, entry) => {
    const id = entry.subjects[0];
    const [row] = id ? await tx.select().from(findings).where(eq(findings.id, id)) : [];
    if (!row || (row.severity !== "high" && row.severity !== "critical")) return [];
    return draftsFor(await peopleWithRoles(tx, ["compliance"]), {
      kind: "finding",
      about: row.id,
      subject: `Finding (${row.severity}): ${row.title}`,
      body: `Detector: ${row.detector}\nSeverity: ${row.severity}\nOpen it to triage.`,
      path: paths.finding(row.id),
    });
  },
  "review_campaign.opened": async (tx, entry) => {
    const id = entry.subjects[0];
    const [row] = id ? await tx.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, id)) : [];
    if (!row) return [];
    return draftsFor(await peopleWithRoles(tx, ["compliance"]), {
      kind: "campaign.opened",
      about: row.id,
      subject: `Review campaign opened: ${row.title}`,
      body: `Period: ${row.periodStart.toISOString().slice(0, 10)} to ${row.periodEnd.toISOString().slice(0, 10)}\nEvery approval of the period needs your attestation.`,
      path: paths.campaign(row.id),
    });
  },
  "auth.second_factor_enrolled": (tx, entry) =>
    accountChange(tx, entry, "Your second factor was set up or replaced"),
  "admin.user.second_factor_reset": (tx, entry) =>
    accountChange(tx, entry, `Your second factor was reset by ${entry.actor?.name ?? "an admin"}`),
};

/** Those who have not decided the request yet. */
async function undecided(tx: Tx, f: RequestFactsRow, people: Recipient[]): Promise<Recipient[]> {
  const decided = await tx
    .select({ id: approvals.approverId })
    .from(approvals)
    .where(eq(approvals.requestId, f.id));
  return people.filter((p) => !decided.some((d) => d.id === p.id));
}

async function approvalGiven(tx: Tx, entry: Entry): Promise<Draft[]> {
  // The last approval is told by its grant; an earlier one says how far the request has come.
  const [given, needed] = text(entry.payload.approvals).split(" of ");
  if (!given || given === needed) return [];
  const f = await onRequest(tx, entry);
  const to = f && (await person(tx, f.requesterId));
  if (!f || !to) return [];
  return draftsFor([to], {
    kind: "request.decided",
    about: `${f.id}:approval:${given}`,
    subject: `[${f.caseKey}] Approved ${given} of ${needed}: ${f.type.title}`,
    body: `${aboutRequest(f)}\nApproved by: ${entry.actor?.name ?? "an approver"}\nStill waiting for ${Number(needed) - Number(given)} more.`,
    path: paths.request(f.id),
  });
}

async function accountChange(tx: Tx, entry: Entry, what: string): Promise<Draft[]> {
  const id = entry.subjects[0];
  const to = id ? await person(tx, id) : null;
  if (!to) return [];
  return draftsFor([to], {
    kind: "account.security",
    about: entry.id,
    subject: what,
    body: `${what} at ${entry.at} (UTC).\nIf this was not you, tell your Casefile admin at once.`,
    path: paths.account(),
  });
}

/** Drafts for one ledger entry; none for types nobody is told about. */
export async function draftsForEntry(tx: Tx, entry: Entry): Promise<Draft[]> {
  const handler = HANDLERS[entry.type];
  return handler ? handler(tx, entry) : [];
}

/** For the API token service: tells the person a token was created on their account. */
export function newTokenDraft(to: Recipient, token: { id: string; name: string }): Draft {
  return {
    to,
    kind: "account.security",
    about: `token:${token.id}`,
    subject: `A new API token was created on your account: ${token.name}`,
    body: `An API token named "${token.name}" was created on your Casefile account.\nIf this was not you, revoke it and tell your Casefile admin at once.`,
    path: paths.account(),
  };
}
