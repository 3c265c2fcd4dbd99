import { and, asc, desc, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import {
  caseKeyCounters,
  caseMembers,
  cases,
  timelineEvents,
  userRoles,
  users,
  type CaseStatus,
  type MemberAccess,
  type Resolution,
  type Tlp,
} from "@/db/schema";
import type { SessionUser } from "../auth/sessions";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import { commitment, newSalt } from "../ledger/commitment";
import { publishAccessChange } from "../realtime/live";
import type { RequestMeta } from "../request-meta";
import { actorOf, type CaseAccess, requireLead, requireWrite, visibleTo } from "./access";

/** Where a case may go from each status. Closing needs a resolution; reopening clears it. */
export const STATUS_TRANSITIONS: Record<CaseStatus, CaseStatus[]> = {
  new: ["triage", "investigating", "closed"],
  triage: ["investigating", "closed"],
  investigating: ["contained", "closed"],
  contained: ["investigating", "closed"],
  closed: ["investigating"],
};

export type NewCase = { title: string; summary: string; severity: number; tlp: Tlp; leadId?: string };

async function nextCaseKey(tx: Tx): Promise<string> {
  // The row lock on this year's counter serialises key assignment only (case creation is rare).
  const [row] = await tx
    .insert(caseKeyCounters)
    .values({ year: sql`extract(year from now())::int`, last: 1 })
    .onConflictDoUpdate({ target: caseKeyCounters.year, set: { last: sql`${caseKeyCounters.last} + 1` } })
    .returning({ year: caseKeyCounters.year, last: caseKeyCounters.last });
  if (!row) throw new Error("no case key");
  return `CASE-${row.year}-${String(row.last).padStart(4, "0")}`;
}

async function requireInvestigator(tx: Tx, userId: string, field: string) {
  const [row] = await tx
    .select({ id: users.id, name: users.name, disabledAt: users.disabledAt })
    .from(users)
    .innerJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.role, "investigator")))
    .where(eq(users.id, userId));
  if (!row || row.disabledAt) {
    throw new DomainError("BAD_REQUEST", "Choose an active investigator", { field });
  }
  return row;
}

export async function createCase(
  db: Db,
  user: SessionUser,
  input: NewCase,
  request: RequestMeta | null = null,
): Promise<{ id: string; key: string }> {
  if (!user.roles.includes("investigator")) {
    throw new DomainError("FORBIDDEN", "Only investigators open cases");
  }
  return db.transaction(async (tx) => {
    const leadId = input.leadId ?? user.id;
    const lead = await requireInvestigator(tx, leadId, "leadId");
    const key = await nextCaseKey(tx);
    const salt = newSalt();
    const [created] = await tx
      .insert(cases)
      .values({
        key,
        title: input.title,
        summary: input.summary,
        salt,
        severity: input.severity,
        tlp: input.tlp,
        leadId,
        createdBy: user.id,
      })
      .returning({ id: cases.id });
    if (!created) throw new Error("case not created");
    const members = [{ caseId: created.id, userId: user.id, access: "write" as const, addedBy: user.id }];
    if (leadId !== user.id)
      members.push({ caseId: created.id, userId: leadId, access: "write", addedBy: user.id });
    await tx.insert(caseMembers).values(members);
    await appendLedger(tx, {
      type: "case.created",
      actor: actorOf(user),
      caseKey: key,
      // The members it starts with are named: the database checks each membership has its entry.
      subjects: [created.id, ...members.map((m) => m.userId)],
      payload: {
        severity: input.severity,
        tlp: input.tlp,
        lead: lead.name,
        commitments: {
          [created.id]: commitment("case", salt, { title: input.title, summary: input.summary }),
        },
      },
      request,
    });
    return { id: created.id, key };
  });
}

export type CaseFilters = {
  status?: CaseStatus;
  severity?: number;
  mine?: boolean;
  q?: string;
};

export async function listCases(db: DbOrTx, user: SessionUser, filters: CaseFilters) {
  const conditions: SQL[] = [visibleTo(user)];
  if (filters.status) conditions.push(eq(cases.status, filters.status));
  if (filters.severity) conditions.push(eq(cases.severity, filters.severity));
  if (filters.mine) conditions.push(eq(cases.leadId, user.id));
  if (filters.q) {
    const like = `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const match = or(ilike(cases.key, like), ilike(cases.title, like), ilike(cases.summary, like));
    if (match) conditions.push(match);
  }
  return db
    .select({
      id: cases.id,
      key: cases.key,
      title: cases.title,
      severity: cases.severity,
      status: cases.status,
      resolution: cases.resolution,
      tlp: cases.tlp,
      leadName: users.name,
      openedAt: cases.openedAt,
      updatedAt: cases.updatedAt,
      events: sql<number>`(select count(*)::int from ${timelineEvents} where ${timelineEvents.caseId} = ${cases.id})`,
    })
    .from(cases)
    .innerJoin(users, eq(users.id, cases.leadId))
    .where(and(...conditions))
    .orderBy(sql`${cases.status} = 'closed'`, desc(cases.severity), desc(cases.updatedAt))
    .limit(200);
}

/** Finds a visible case by its key (for URLs); NOT_FOUND when missing or hidden. */
export async function caseIdByKey(db: DbOrTx, user: SessionUser, key: string): Promise<string> {
  const [row] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.key, key.toUpperCase()), visibleTo(user)));
  if (!row) throw new DomainError("NOT_FOUND", "No such case, or it is not shared with you");
  return row.id;
}

export async function getCase(db: DbOrTx, access: CaseAccess) {
  const [row] = await db
    .select({
      id: cases.id,
      key: cases.key,
      title: cases.title,
      summary: cases.summary,
      severity: cases.severity,
      status: cases.status,
      resolution: cases.resolution,
      tlp: cases.tlp,
      leadId: cases.leadId,
      leadName: users.name,
      openedAt: cases.openedAt,
      closedAt: cases.closedAt,
      updatedAt: cases.updatedAt,
      version: cases.version,
    })
    .from(cases)
    .innerJoin(users, eq(users.id, cases.leadId))
    .where(eq(cases.id, access.caseId));
  if (!row) throw new DomainError("NOT_FOUND", "No such case, or it is not shared with you");
  return {
    ...row,
    myAccess: access.access,
    isLead: access.isLead,
    nextStatuses: access.access === "write" ? STATUS_TRANSITIONS[row.status] : [],
  };
}

export type CaseChanges = { title?: string; summary?: string; severity?: number; tlp?: Tlp; leadId?: string };

/** Edits the case's fields; `version` is what the editor read, so a concurrent edit is a CONFLICT. */
export async function updateCase(
  db: Db,
  access: CaseAccess,
  input: CaseChanges & { version: number },
  request: RequestMeta | null = null,
): Promise<{ version: number }> {
  requireWrite(access);
  const { version, ...changes } = input;
  if (changes.leadId) requireLead(access);
  return db.transaction(async (tx) => {
    if (changes.leadId) {
      await requireInvestigator(tx, changes.leadId, "leadId");
      const [member] = await tx
        .select({ access: caseMembers.access })
        .from(caseMembers)
        .where(and(eq(caseMembers.caseId, access.caseId), eq(caseMembers.userId, changes.leadId)));
      if (member?.access !== "write") {
        throw new DomainError("BAD_REQUEST", "The new lead must be a member with write access", {
          field: "leadId",
        });
      }
    }
    const changed = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    if (Object.keys(changed).length === 0) throw new DomainError("BAD_REQUEST", "Nothing to change");
    // Free text (title, summary) is named as changed and committed under a fresh salt, never written out.
    const { title: _title, summary: _summary, ...fields } = changed;
    const textChanged = ["title", "summary"].filter((f) => f in changed);
    const salt = newSalt();
    const [row] = await tx
      .update(cases)
      .set({
        ...changed,
        ...(textChanged.length ? { salt } : {}),
        updatedAt: sql`now()`,
        version: sql`${cases.version} + 1`,
      })
      .where(and(eq(cases.id, access.caseId), eq(cases.version, version)))
      .returning({ version: cases.version, title: cases.title, summary: cases.summary });
    if (!row) throw conflict(access);
    await appendLedger(tx, {
      type: "case.updated",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: [access.caseId],
      payload: {
        changes: fields,
        textChanged,
        ...(textChanged.length
          ? {
              commitments: {
                [access.caseId]: commitment("case", salt, { title: row.title, summary: row.summary }),
              },
            }
          : {}),
      },
      request,
    });
    return { version: row.version };
  });
}

const conflict = (access: CaseAccess) =>
  new DomainError("CONFLICT", `${access.key} changed since you loaded it; reload and try again`);

export async function changeStatus(
  db: Db,
  access: CaseAccess,
  input: { version: number; status: CaseStatus; resolution?: Resolution | null },
  request: RequestMeta | null = null,
): Promise<{ version: number }> {
  requireWrite(access);
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ status: cases.status, version: cases.version })
      .from(cases)
      .where(eq(cases.id, access.caseId))
      .for("update");
    if (!current) throw new DomainError("NOT_FOUND", "No such case, or it is not shared with you");
    if (current.version !== input.version) throw conflict(access);
    if (!STATUS_TRANSITIONS[current.status].includes(input.status)) {
      throw new DomainError("BAD_REQUEST", `A ${current.status} case cannot move to ${input.status}`, {
        field: "status",
      });
    }
    const closing = input.status === "closed";
    if (closing && !input.resolution) {
      throw new DomainError("BAD_REQUEST", "Closing a case needs a resolution", { field: "resolution" });
    }
    const [row] = await tx
      .update(cases)
      .set({
        status: input.status,
        resolution: closing ? input.resolution : null,
        closedAt: closing ? sql`now()` : null,
        updatedAt: sql`now()`,
        version: sql`${cases.version} + 1`,
      })
      .where(eq(cases.id, access.caseId))
      .returning({ version: cases.version });
    if (!row) throw conflict(access);
    await appendLedger(tx, {
      type: "case.status_changed",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: [access.caseId],
      payload: {
        from: current.status,
        to: input.status,
        resolution: closing ? (input.resolution ?? null) : null,
      },
      request,
    });
    return row;
  });
}

export async function listMembers(db: DbOrTx, access: CaseAccess) {
  return db
    .select({
      userId: caseMembers.userId,
      name: users.name,
      email: users.email,
      access: caseMembers.access,
      addedAt: caseMembers.addedAt,
      isLead: sql<boolean>`${cases.leadId} = ${caseMembers.userId}`,
    })
    .from(caseMembers)
    .innerJoin(users, eq(users.id, caseMembers.userId))
    .innerJoin(cases, eq(cases.id, caseMembers.caseId))
    .where(eq(caseMembers.caseId, access.caseId))
    .orderBy(asc(users.name));
}

/** Active investigators who are not yet members: whom the lead may add. */
export async function memberCandidates(db: DbOrTx, access: CaseAccess) {
  requireLead(access);
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .innerJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.role, "investigator")))
    .where(
      and(
        sql`${users.disabledAt} is null`,
        sql`not exists (select 1 from ${caseMembers} where ${caseMembers.caseId} = ${access.caseId} and ${caseMembers.userId} = ${users.id})`,
      ),
    )
    .orderBy(asc(users.name));
}

export async function addMember(
  db: Db,
  access: CaseAccess,
  input: { userId: string; access: MemberAccess },
  request: RequestMeta | null = null,
): Promise<void> {
  requireLead(access);
  await db.transaction(async (tx) => {
    const member = await requireInvestigator(tx, input.userId, "userId");
    const [existing] = await tx
      .select({ access: caseMembers.access })
      .from(caseMembers)
      .where(and(eq(caseMembers.caseId, access.caseId), eq(caseMembers.userId, input.userId)))
      .for("update");
    if (existing?.access === input.access) return;
    if (existing && input.userId === access.user.id) {
      throw new DomainError("BAD_REQUEST", "The lead keeps write access", { field: "access" });
    }
    await tx
      .insert(caseMembers)
      .values({ caseId: access.caseId, userId: input.userId, access: input.access, addedBy: access.user.id })
      .onConflictDoUpdate({
        target: [caseMembers.caseId, caseMembers.userId],
        set: { access: input.access },
      });
    await publishAccessChange(tx, [input.userId]);
    await appendLedger(tx, {
      type: existing ? "case.member_changed" : "case.member_added",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: [access.caseId, input.userId],
      payload: { member: member.name, access: input.access, previous: existing?.access ?? null },
      request,
    });
  });
}

export async function removeMember(
  db: Db,
  access: CaseAccess,
  input: { userId: string },
  request: RequestMeta | null = null,
): Promise<void> {
  requireLead(access);
  await db.transaction(async (tx) => {
    const [lead] = await tx.select({ leadId: cases.leadId }).from(cases).where(eq(cases.id, access.caseId));
    if (lead?.leadId === input.userId) {
      throw new DomainError(
        "BAD_REQUEST",
        "The lead cannot be removed; hand the case to another lead first",
        {
          field: "userId",
        },
      );
    }
    const [removed] = await tx
      .delete(caseMembers)
      .where(and(eq(caseMembers.caseId, access.caseId), eq(caseMembers.userId, input.userId)))
      .returning({ access: caseMembers.access });
    if (!removed) throw new DomainError("NOT_FOUND", "Not a member of this case", { field: "userId" });
    await publishAccessChange(tx, [input.userId]);
    const [member] = await tx.select({ name: users.name }).from(users).where(eq(users.id, input.userId));
    await appendLedger(tx, {
      type: "case.member_removed",
      actor: actorOf(access.user),
      caseKey: access.key,
      subjects: [access.caseId, input.userId],
      payload: { member: member?.name ?? null, access: removed.access },
      request,
    });
  });
}
