/** Sensitive changes to a person's own account that are told to them at once (and cannot be muted). */
import type { Tx } from "@/db/client";
import { env } from "../env";
import { publicUrl } from "./links";
import { queue, type QueueOptions } from "./queue";
import { person } from "./recipients";
import { newTokenDraft } from "./tell";

/** Mail goes out when a mail server is configured; the notifications page lists it either way. */
export function queueOptions(): QueueOptions {
  return { baseUrl: publicUrl(), mail: env().CASEFILE_SMTP_URL !== undefined };
}

/**
 * Call inside the transaction that creates an API token: the person is told (the mail
 * names the token, never its secret), atomically with the token's creation.
 */
export async function notifyNewToken(
  tx: Tx,
  userId: string,
  token: { id: string; name: string },
  options: QueueOptions = queueOptions(),
): Promise<void> {
  const to = await person(tx, userId);
  if (to) await queue(tx, [newTokenDraft(to, token)], options);
}
