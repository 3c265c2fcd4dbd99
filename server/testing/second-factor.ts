import type { Caller } from "./callers";
import { totpCode } from "./totp";

/**
 * Sets up a second factor the way a person does — their password, then a code from the new
 * secret — and, with `stepUp`, proves it once in this session with the next time code (setting
 * one up is not a step-up). Returns the secret and the recovery codes.
 */
export async function enrolSecondFactor(
  caller: Caller,
  password: string,
  options: { stepUp?: boolean } = {},
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const { secret } = await caller.account.secondFactor.begin({ password });
  const { recoveryCodes } = await caller.account.secondFactor.confirm({ code: totpCode(secret) });
  if (options.stepUp) await caller.account.secondFactor.stepUp({ code: totpCode(secret, 1) });
  return { secret, recoveryCodes };
}
