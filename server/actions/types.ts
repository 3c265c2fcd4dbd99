import { asc, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { actionTypes, type ActionType, type Role } from "@/db/schema";
import { freshSecondFactor } from "../auth/second-factor";
import type { SessionUser } from "../auth/sessions";
import { DomainError } from "../errors";
import { appendLedger } from "../ledger/append";
import type { RequestMeta } from "../request-meta";
import { applyKillSwitch } from "../requests/kill-switch";
import { type Policy, summary } from "../requests/policy";
import { ACTIONS, definitionOf, paramsJsonSchema } from "./catalogue";

/** Adds the catalogue's actions that the database does not have yet; admins' edits are kept. */
export async function ensureActionTypes(db: Db): Promise<string[]> {
  return db.transaction(async (tx) => {
    const added: string[] = [];
    for (const def of Object.values(ACTIONS)) {
      const [row] = await tx
        .insert(actionTypes)
        .values({ key: def.key, ...def.defaults })
        .onConflictDoNothing()
        .returning({ key: actionTypes.key });
      if (!row) continue;
      added.push(row.key);
      await appendLedger(tx, {
        type: "catalogue.action_type.created",
        actor: null,
        subjects: [],
        payload: { key: def.key, ...def.defaults, approverRoles: [...def.defaults.approverRoles] },
      });
    }
    return added;
  });
}

export type CatalogueEntry = ActionType & {
  paramsSchema: Record<string, unknown>;
  policySummary: string;
};

/** The policy in words, with the executor's second factor and the break-glass limits. */
function fullSummary(row: ActionType): string {
  const extras = [
    row.executorStepUp ? "the requester proves a second factor when asking and when running it" : null,
    row.breakGlassAllowed
      ? `break-glass at most ${row.breakGlassPerDay}× and ${row.breakGlassMinutesPerDay} min per person per 24 h, with at most ${row.breakGlassMaxUnreviewed} awaiting review`
      : null,
  ].filter(Boolean);
  return extras.length ? `${summary(row)} Also: ${extras.join("; ")}.` : summary(row);
}

export async function listActionTypes(db: DbOrTx, options: { enabledOnly?: boolean } = {}) {
  const rows = await db
    .select()
    .from(actionTypes)
    .where(options.enabledOnly ? eq(actionTypes.enabled, true) : undefined)
    .orderBy(asc(actionTypes.key));
  return rows.flatMap((row): CatalogueEntry[] => {
    const schema = paramsJsonSchema(row.key);
    return schema ? [{ ...row, paramsSchema: schema, policySummary: fullSummary(row) }] : [];
  });
}

/** An action type that exists in the database and in code, else a BAD_REQUEST on `field`. */
export async function loadActionType(tx: DbOrTx, key: string, field = "actionKey") {
  const def = definitionOf(key);
  const [row] = def ? await tx.select().from(actionTypes).where(eq(actionTypes.key, key)) : [];
  if (!def || !row) throw new DomainError("BAD_REQUEST", `No action ${key} in the catalogue`, { field });
  return { def, type: row };
}

/** What an admin may change: the policy, and whether the action is offered at all. */
export type PolicyPatch = Partial<
  Policy &
    Pick<
      ActionType,
      | "enabled"
      | "executorStepUp"
      | "breakGlassPerDay"
      | "breakGlassMinutesPerDay"
      | "breakGlassMaxUnreviewed"
    >
>;

export async function updateActionType(
  db: Db,
  admin: SessionUser,
  input: { key: string; version: number; patch: PolicyPatch; secondFactorCode?: string },
  request: RequestMeta | null = null,
): Promise<ActionType> {
  if (!admin.roles.includes("admin")) throw new DomainError("FORBIDDEN", "Only admins edit the catalogue");
  await freshSecondFactor(db, admin, input.secondFactorCode, "Admin changes", request);
  if (input.patch.approverRoles?.length === 0) {
    throw new DomainError("BAD_REQUEST", "Name at least one approver role", { field: "patch.approverRoles" });
  }
  return db.transaction(async (tx) => {
    const { type: before } = await loadActionType(tx, input.key, "key");
    const [after] = await tx
      .update(actionTypes)
      .set({ ...input.patch, version: sql`${actionTypes.version} + 1`, updatedAt: sql`now()` })
      .where(sql`${actionTypes.key} = ${input.key} and ${actionTypes.version} = ${input.version}`)
      .returning();
    if (!after) {
      throw new DomainError("CONFLICT", `${input.key} was changed by someone else; reload and try again`);
    }
    const changes: Record<
      string,
      { from: string | number | boolean | Role[]; to: string | number | boolean | Role[] }
    > = {};
    for (const field of Object.keys(input.patch) as (keyof PolicyPatch)[]) {
      if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
        changes[field] = { from: before[field], to: after[field] };
      }
    }
    // Disabling is a kill switch: pending requests refused, live grants revoked, in this transaction.
    const stopped =
      before.enabled && !after.enabled ? await applyKillSwitch(tx, admin, after, request) : null;
    await appendLedger(tx, {
      type: "admin.action_type.updated",
      actor: { id: admin.id, name: admin.name },
      subjects: [],
      payload: {
        key: input.key,
        version: after.version,
        changes,
        ...(stopped ? { killSwitch: stopped } : {}),
      },
      request,
    });
    return after;
  });
}
