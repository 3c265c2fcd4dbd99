import { TRPCError } from "@trpc/server";

/** The TRPCError a call is refused with; fails the test when the call succeeds or fails otherwise. */
export async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}
