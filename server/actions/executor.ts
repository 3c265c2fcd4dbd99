import { definitionOf } from "./catalogue";

export type Outcome = {
  status: "succeeded" | "failed";
  summary: string;
  result: Record<string, unknown>;
};

/**
 * The built-in executor: records what the grant allowed and that it was used,
 * and changes nothing outside Casefile. Connectors to evidence stores, target
 * databases and webhooks take its place per action; the enforcement in front of
 * it (grant check, atomic use, ledger) is the same for all of them.
 */
export function runBuiltIn(actionKey: string, params: Record<string, unknown>): Outcome {
  const def = definitionOf(actionKey);
  return {
    status: "succeeded",
    summary: `Recorded only: no connector is configured for ${actionKey}, so nothing outside Casefile was changed.`,
    result: { executor: "built-in", connector: null, allowed: def?.describe(params) ?? actionKey },
  };
}
