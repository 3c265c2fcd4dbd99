/**
 * The action catalogue's code half: for each action key, the parameter schema,
 * the scope rule (when a request's parameters lie inside a grant's) and the
 * plain-language description of what a grant allows. The policy half (risk tier,
 * approvers, durations) is data in `action_types`, editable by admins.
 */
import { z } from "zod";
import type { ActionType, RiskTier, Role } from "@/db/schema";

/** Tables of the evidence store, and the columns a logs query may read from each. */
export const EVIDENCE_TABLES = {
  auth_logs: ["ts", "username", "src_ip", "result", "method", "user_agent", "mfa"],
  network_flows: ["ts", "src_ip", "dst_ip", "dst_port", "protocol", "bytes_out", "bytes_in", "host"],
  process_events: ["ts", "host", "username", "pid", "process", "command_line", "parent"],
  db_audit: ["ts", "database", "username", "client_ip", "statement", "rows"],
} as const;
export type EvidenceTable = keyof typeof EVIDENCE_TABLES;
const TABLE_NAMES = Object.keys(EVIDENCE_TABLES) as [EvidenceTable, ...EvidenceTable[]];

const text = (title: string, max = 200) => z.string().trim().min(1).max(max).meta({ title });
const entity = (title: string, kinds: string[], max = 200) =>
  z.string().trim().min(1).max(max).meta({ title, entityKinds: kinds });
const instant = (title: string) => z.iso.datetime({ offset: false }).meta({ title });

const logsQuery = z
  .object({
    table: z.enum(TABLE_NAMES).meta({ title: "Table" }),
    columns: z.array(z.string()).min(1).max(20).meta({
      title: "Columns",
      description: "Only these columns are returned",
      // The browser offers the columns of the chosen table.
      optionsFrom: "table",
      optionsByValue: EVIDENCE_TABLES,
    }),
    subject: entity("Subject (user, IP or host)", ["user_account", "ip", "host"]),
    from: instant("From (UTC)"),
    to: instant("To (UTC)"),
    rowCap: z.int().min(1).max(100_000).meta({ title: "Row cap" }),
  })
  .strict()
  .superRefine((p, ctx) => {
    const allowed: readonly string[] = EVIDENCE_TABLES[p.table];
    p.columns.forEach((c, i) => {
      if (!allowed.includes(c))
        ctx.addIssue({ code: "custom", path: ["columns", i], message: `${p.table} has no column ${c}` });
    });
    if (new Set(p.columns).size !== p.columns.length)
      ctx.addIssue({ code: "custom", path: ["columns"], message: "A column is listed twice" });
    if (Date.parse(p.to) <= Date.parse(p.from))
      ctx.addIssue({ code: "custom", path: ["to"], message: "The end must be after the start" });
  });

const database = () =>
  text("Target database", 63).meta({
    title: "Target database",
    description: "The connector's name, e.g. db-cust-01",
  });

const sessionTerminate = z
  .object({
    database: database(),
    pid: z
      .int()
      .min(1)
      .max(2 ** 31 - 1)
      .optional()
      .meta({ title: "Backend pid" }),
    username: entity("Database user", ["db_role", "user_account"], 63).optional(),
  })
  .strict()
  .refine((p) => p.pid !== undefined || p.username !== undefined, {
    path: ["pid"],
    message: "Name a backend pid or a database user",
  });

type Scope = Record<string, unknown>;

/** Kinds of case record a parameter may name by id: checked against the request's case at every step. */
export type CaseObjectKind = "evidence" | "event" | "entity";

type Definition = {
  key: string;
  params: z.ZodType<Scope>;
  /** Parameters that hold the id of a record of the case (field → kind). */
  caseObjects?: Record<string, CaseObjectKind>;
  /** Why `requested` is not inside `granted`, or null when it is. Both are valid params. */
  outside: (requested: Scope, granted: Scope) => string | null;
  describe: (params: Scope) => string;
  /** The catalogue row seeded for a new installation. */
  defaults: Omit<ActionType, "key" | "version" | "updatedAt" | "enabled">;
};

/** Every parameter must be equal: for actions with no smaller scope than their target. */
function sameTarget(fields: string[]) {
  return (requested: Scope, granted: Scope): string | null => {
    for (const f of fields) {
      if (requested[f] !== granted[f])
        return `${f} ${JSON.stringify(requested[f] ?? null)} is not the granted ${JSON.stringify(granted[f] ?? null)}`;
    }
    return null;
  };
}

const approvers = (...roles: Role[]) => roles;

/** Per person, over the last 24 hours: break-glass grants, their minutes, and how many may await review. */
const BREAK_GLASS_LIMITS = {
  breakGlassPerDay: 3,
  breakGlassMinutesPerDay: 30,
  breakGlassMaxUnreviewed: 2,
} as const;

export const ACTIONS: Record<string, Definition> = {
  "logs.query": {
    key: "logs.query",
    params: logsQuery,
    outside: (r, g) => {
      if (r.table !== g.table) return `table ${String(r.table)} is not the granted ${String(g.table)}`;
      const granted = g.columns as string[];
      const extra = (r.columns as string[]).filter((c) => !granted.includes(c));
      if (extra.length)
        return `column(s) ${extra.join(", ")} are not granted (granted: ${granted.join(", ")})`;
      if (r.subject !== g.subject)
        return `subject ${String(r.subject)} is not the granted ${String(g.subject)}`;
      if (Date.parse(r.from as string) < Date.parse(g.from as string))
        return `starts before the granted ${String(g.from)}`;
      if (Date.parse(r.to as string) > Date.parse(g.to as string))
        return `ends after the granted ${String(g.to)}`;
      if ((r.rowCap as number) > (g.rowCap as number))
        return `row cap ${String(r.rowCap)} is above the granted ${String(g.rowCap)}`;
      return null;
    },
    describe: (p) =>
      `Read columns ${(p.columns as string[]).join(", ")} of ${String(p.table)} for ${String(p.subject)} ` +
      `between ${String(p.from)} and ${String(p.to)}, at most ${String(p.rowCap)} rows.`,
    defaults: {
      title: "Query sensitive logs",
      description: "Read a subset of one evidence-store table for one subject and time range.",
      riskTier: "medium",
      approvalsRequired: 1,
      approverRoles: approvers("approver"),
      minClearance: 2,
      maxDurationMinutes: 60,
      maxUses: 1,
      businessHours: false,
      breakGlassAllowed: true,
      excludeCaseGrantees: false,
      executorStepUp: false,
      ...BREAK_GLASS_LIMITS,
    },
  },
  "db.session.terminate": {
    key: "db.session.terminate",
    params: sessionTerminate,
    outside: sameTarget(["database", "pid", "username"]),
    describe: (p) =>
      `Terminate ${p.pid !== undefined ? `backend ${p.pid as number}` : "the sessions"}` +
      `${p.username !== undefined ? ` of user ${p.username as string}` : ""} on database ${String(p.database)}.`,
    defaults: {
      title: "Terminate a database session",
      description: "End a live backend session on a target PostgreSQL database.",
      riskTier: "high",
      approvalsRequired: 1,
      approverRoles: approvers("approver"),
      minClearance: 3,
      maxDurationMinutes: 30,
      maxUses: 1,
      businessHours: false,
      breakGlassAllowed: true,
      excludeCaseGrantees: false,
      executorStepUp: false,
      ...BREAK_GLASS_LIMITS,
    },
  },
  "db.role.disable": {
    key: "db.role.disable",
    params: z.object({ database: database(), role: entity("Role", ["db_role"], 63) }).strict(),
    outside: sameTarget(["database", "role"]),
    describe: (p) => `Disable login for role ${String(p.role)} on database ${String(p.database)} (NOLOGIN).`,
    defaults: {
      title: "Disable a database login",
      description: "Set a role on a target database to NOLOGIN; the previous state is kept for re-enabling.",
      riskTier: "high",
      approvalsRequired: 1,
      approverRoles: approvers("approver"),
      minClearance: 3,
      maxDurationMinutes: 30,
      maxUses: 1,
      businessHours: false,
      breakGlassAllowed: false,
      excludeCaseGrantees: false,
      executorStepUp: false,
      ...BREAK_GLASS_LIMITS,
    },
  },
  "db.role.enable": {
    key: "db.role.enable",
    params: z.object({ database: database(), role: entity("Role", ["db_role"], 63) }).strict(),
    outside: sameTarget(["database", "role"]),
    describe: (p) =>
      `Restore login for role ${String(p.role)} on database ${String(p.database)} to what it was before Casefile disabled it.`,
    defaults: {
      title: "Re-enable a database login",
      description: "Undo a disable: put a role's login back to the state recorded before it was disabled.",
      riskTier: "medium",
      approvalsRequired: 1,
      approverRoles: approvers("approver"),
      minClearance: 2,
      maxDurationMinutes: 30,
      maxUses: 1,
      businessHours: false,
      breakGlassAllowed: false,
      excludeCaseGrantees: false,
      executorStepUp: false,
      ...BREAK_GLASS_LIMITS,
    },
  },
  "host.isolate": {
    key: "host.isolate",
    params: z.object({ hostId: entity("Host", ["host"]) }).strict(),
    outside: sameTarget(["hostId"]),
    describe: (p) => `Isolate host ${String(p.hostId)} from the network through the EDR.`,
    defaults: {
      title: "Isolate a host",
      description: "Ask the EDR to cut a host off the network.",
      riskTier: "critical",
      approvalsRequired: 2,
      approverRoles: approvers("approver"),
      minClearance: 4,
      maxDurationMinutes: 30,
      maxUses: 1,
      businessHours: true,
      breakGlassAllowed: true,
      excludeCaseGrantees: true,
      executorStepUp: true,
      ...BREAK_GLASS_LIMITS,
    },
  },
  "account.disable": {
    key: "account.disable",
    params: z.object({ account: entity("Account", ["user_account"]) }).strict(),
    outside: sameTarget(["account"]),
    describe: (p) => `Disable identity-provider account ${String(p.account)} and end its sessions.`,
    defaults: {
      title: "Disable an account",
      description: "Ask the identity provider to disable an account.",
      riskTier: "high",
      approvalsRequired: 1,
      approverRoles: approvers("approver"),
      minClearance: 3,
      maxDurationMinutes: 30,
      maxUses: 1,
      businessHours: false,
      breakGlassAllowed: true,
      excludeCaseGrantees: false,
      executorStepUp: false,
      ...BREAK_GLASS_LIMITS,
    },
  },
  "evidence.export": {
    key: "evidence.export",
    params: z
      .object({
        evidenceId: z.uuid().meta({ title: "Evidence item", evidence: true }),
        destination: text("Destination (who receives it)"),
      })
      .strict(),
    caseObjects: { evidenceId: "evidence" },
    outside: sameTarget(["evidenceId", "destination"]),
    describe: (p) => `Export evidence item ${String(p.evidenceId)} to ${String(p.destination)}.`,
    defaults: {
      title: "Export evidence",
      description:
        "Download an evidence item as a package (its bytes, hashes, chain of custody and ledger proofs), recorded in its chain of custody.",
      riskTier: "medium",
      approvalsRequired: 1,
      approverRoles: approvers("approver"),
      minClearance: 2,
      maxDurationMinutes: 120,
      maxUses: 3,
      businessHours: false,
      breakGlassAllowed: false,
      excludeCaseGrantees: false,
      executorStepUp: false,
      ...BREAK_GLASS_LIMITS,
    },
  },
};

export function definitionOf(key: string): Definition | null {
  return Object.hasOwn(ACTIONS, key) ? (ACTIONS[key] ?? null) : null;
}

/** The JSON Schema of an action's parameters, from which the browser builds its form. */
const jsonSchemas = new Map<string, Readonly<Record<string, unknown>> | null>();

/** The parameters' JSON Schema; built once per action (the definitions are code), not per request. */
export function paramsJsonSchema(key: string): Readonly<Record<string, unknown>> | null {
  let schema = jsonSchemas.get(key);
  if (schema === undefined) {
    const d = definitionOf(key);
    schema = d ? Object.freeze(z.toJSONSchema(d.params, { io: "input", unrepresentable: "any" })) : null;
    jsonSchemas.set(key, schema);
  }
  return schema;
}

export const TIER_CLEARANCE: Record<RiskTier, number> = { low: 1, medium: 2, high: 3, critical: 4 };
