/**
 * Narrowing: each approval may shrink what the request asks for (a smaller scope, a
 * shorter window, fewer uses), never widen it. What stands is the request narrowed by
 * every approval in turn.
 */
import type { ActionRequest } from "@/db/schema";
import type { definitionOf } from "../actions/catalogue";
import { DomainError } from "../errors";
import { type Params, paramsHash, parseParams } from "./params";

type Definition = NonNullable<ReturnType<typeof definitionOf>>;
type Ask = { params: Params; minutes: number; uses: number };
export type Narrowing = {
  narrowedParams: Params | null;
  narrowedMinutes: number | null;
  narrowedUses: number | null;
};

/** What stands after the approvals so far: the request, narrowed by each approval in turn. */
export function effectiveAsk(
  row: ActionRequest,
  prior: { narrowedParams: unknown; narrowedMinutes: number | null; narrowedUses: number | null }[],
): Ask {
  let params = row.params as Params;
  let minutes = row.requestedMinutes;
  let uses = row.requestedUses;
  for (const a of prior) {
    if (a.narrowedParams) params = a.narrowedParams as Params;
    if (a.narrowedMinutes !== null) minutes = Math.min(minutes, a.narrowedMinutes);
    if (a.narrowedUses !== null) uses = Math.min(uses, a.narrowedUses);
  }
  return { params, minutes, uses };
}

/** What this approval narrows, checked to lie inside what stands now; null where it keeps a part as is. */
export function narrowingOf(
  def: Definition,
  current: Ask,
  input: { params?: unknown; minutes?: number; uses?: number },
): Narrowing {
  let narrowedParams: Params | null = null;
  if (input.params !== undefined) {
    const candidate = parseParams(def, input.params);
    const outside = def.outside(candidate, current.params);
    if (outside)
      throw new DomainError("BAD_REQUEST", `A narrowed scope must lie inside the request: ${outside}`, {
        field: "params",
      });
    if (paramsHash(candidate) !== paramsHash(current.params)) narrowedParams = candidate;
  }
  const narrowedMinutes =
    input.minutes !== undefined && input.minutes !== current.minutes ? input.minutes : null;
  if (
    narrowedMinutes !== null &&
    (!Number.isInteger(narrowedMinutes) || narrowedMinutes < 1 || narrowedMinutes > current.minutes)
  ) {
    throw new DomainError("BAD_REQUEST", `The window can only shorten: 1 to ${current.minutes} minutes`, {
      field: "minutes",
    });
  }
  const narrowedUses = input.uses !== undefined && input.uses !== current.uses ? input.uses : null;
  if (
    narrowedUses !== null &&
    (!Number.isInteger(narrowedUses) || narrowedUses < 1 || narrowedUses > current.uses)
  ) {
    throw new DomainError("BAD_REQUEST", `Uses can only go down: 1 to ${current.uses}`, {
      field: "uses",
    });
  }
  return { narrowedParams, narrowedMinutes, narrowedUses };
}
