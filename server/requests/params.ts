import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { definitionOf } from "../actions/catalogue";
import { DomainError } from "../errors";
import { canonicalize, type JsonValue } from "../ledger/canonical";

export type Params = Record<string, unknown>;
type Definition = NonNullable<ReturnType<typeof definitionOf>>;

/** The action's parameters, validated; a problem is a BAD_REQUEST naming the field (`params.from`…). */
export function parseParams(def: Definition, raw: unknown, field = "params"): Params {
  const result = def.params.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [field, ...(issue?.path ?? []).map(String)].join(".");
  throw new DomainError("BAD_REQUEST", `${path}: ${issue?.message ?? "invalid"}`, { field: path });
}

export function paramsHash(params: Params): string {
  return createHash("sha256").update(canonicalize(params)).digest("hex");
}

export function asJson(params: Params): { [key: string]: JsonValue } {
  return params as { [key: string]: JsonValue };
}

/** The database clock: every time that decides something comes from here. */
export async function dbNow(tx: DbOrTx): Promise<Date> {
  const [row] = await tx.execute<{ ms: string }>(
    sql`select (extract(epoch from now()) * 1000)::bigint::text as ms`,
  );
  if (!row) throw new Error("no database time");
  return new Date(Number(row.ms));
}
