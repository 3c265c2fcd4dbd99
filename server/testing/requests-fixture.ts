/**
 * The approval tests' shared world: the demo organisation, two extra approvers (one holding every
 * role), a case with members and a trigger event, and helpers to ask for and approve a logs query.
 * Each test file that imports it gets its own database.
 */
import { type TRPCError } from "@trpc/server";
import { users, type Role } from "@/db/schema";
import { seedDemo } from "../demo/seed";
import { ensureActionTypes } from "../actions/types";
import { hashPassword } from "../auth/password";
import { approveAsSeen, callerFor } from "./callers";
import { testDatabase } from "./db";
import { enrolSecondFactor } from "./second-factor";
import { giveRoles } from "./roles";

export const t = await testDatabase();
await seedDemo(t.db, "demo-password-for-tests");
await ensureActionTypes(t.db);

async function addUser(email: string, roles: Role[], clearance: number) {
  const [row] = await t.db
    .insert(users)
    .values({
      email,
      name: email.split("@")[0] ?? email,
      clearance,
      passwordHash: await hashPassword("demo-password-for-tests"),
    })
    .returning();
  if (!row) throw new Error("no user");
  await giveRoles(t.db, row.id, roles);
  return row;
}
// One person holding every role: still cannot approve their own request.
await addUser("all.roles@casefile.demo", ["investigator", "approver", "admin"], 4);
await addUser("second.approver@casefile.demo", ["approver"], 4);

export const ines = await callerFor(t.db, "ines.ortega@casefile.demo"); // lead investigator
export const marcus = await callerFor(t.db, "marcus.webb@casefile.demo"); // write member, not the grantee
export const priya = await callerFor(t.db, "priya.raman@casefile.demo"); // approver, clearance 4
export const tom = await callerFor(t.db, "tom.becker@casefile.demo"); // approver, clearance 2
export const second = await callerFor(t.db, "second.approver@casefile.demo");
export const allRoles = await callerFor(t.db, "all.roles@casefile.demo");
export const carla = await callerFor(t.db, "carla.nguyen@casefile.demo"); // compliance

// Priya sets up and proves a second factor in this session: high-risk approvals need a fresh one.
await enrolSecondFactor(priya, "demo-password-for-tests", { stepUp: true });

export const { id: caseId, key: caseKey } = await ines.cases.create({
  title: "Exfiltration from the orders database",
  summary: "A support account pulled customer rows at night.",
  severity: 4,
  tlp: "amber",
});
export const users_ = await ines.cases.members.candidates({ caseId });
export const idOf = (email: string) => users_.find((u) => u.email === email)?.id ?? "";
await ines.cases.members.add({ caseId, userId: idOf("marcus.webb@casefile.demo"), access: "write" });
await ines.cases.members.add({ caseId, userId: idOf("all.roles@casefile.demo"), access: "write" });
export const { id: triggerId } = await ines.cases.timeline.add({
  caseId,
  occurredAt: new Date("2026-11-20T02:14:00Z"),
  title: "j.smith exports 48,000 rows from orders",
  entities: [{ kind: "user_account", value: "j.smith", role: "suspect", relation: "actor" }],
});

export const logsParams = {
  table: "auth_logs",
  columns: ["ts", "username", "src_ip", "result"],
  subject: "j.smith",
  from: "2026-11-19T00:00:00Z",
  to: "2026-11-21T00:00:00Z",
  rowCap: 5000,
};
export const justification =
  "Need the sign-in history of j.smith around the export to see where it came from.";

export function fieldOf(error: TRPCError): string | undefined {
  return (error.cause as { field?: string } | undefined)?.field;
}

export async function ledger(type: string, subject?: string) {
  const rows = await t.ledger.sql<{ body: string }[]>`
    select body from ledger_inbox where body::jsonb ->> 'type' = ${type}
      and (${subject ?? null}::text is null or body::jsonb -> 'subjects' ? ${subject ?? ""})
    order by id`;
  return rows.map((r) => JSON.parse(r.body) as { payload: Record<string, unknown>; caseKey: string | null });
}

export async function logsRequest(caller = ines, params: Record<string, unknown> = logsParams) {
  return caller.requests.create({
    caseId,
    actionKey: "logs.query",
    params,
    justification,
    triggerEventId: triggerId,
    minutes: 30,
  });
}

export async function approvedLogsGrant(): Promise<{ requestId: string; grantId: string }> {
  const { id } = await logsRequest();
  return { requestId: id, grantId: await approveAsSeen(priya, id) };
}
