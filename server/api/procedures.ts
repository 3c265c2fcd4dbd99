import { appRouter, type createCaller } from "../trpc/routers/_app";

type ProcedureDef = { _def: { inputs: unknown[]; type: string } };

const procedures = (appRouter._def as unknown as { procedures: Record<string, ProcedureDef | undefined> })
  .procedures;

/** The zod input schemas of a procedure, as its builder chained them (case base first). */
export function inputsOf(path: string): unknown[] {
  const def = procedures[path];
  if (!def) throw new Error(`no procedure ${path}`);
  return def._def.inputs;
}

export type Caller = ReturnType<typeof createCaller>;

/** Calls the procedure at a dotted path on a caller, as the tRPC client would. */
export function callPath(caller: Caller, path: string, input: unknown): Promise<unknown> {
  let target: unknown = caller;
  for (const key of path.split(".")) target = (target as Record<string, unknown>)[key];
  if (typeof target !== "function") throw new Error(`no procedure ${path}`);
  return (target as (input: unknown) => Promise<unknown>)(input);
}
