/**
 * The chat interaction endpoint's logic (the Next route only hands over the raw request):
 * verify the signature, refuse replays, find the Casefile person, and decide through the
 * same decision service as the console — same rules, same ledger — then update the message.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { chatInteractionsSeen } from "@/db/schema";
import { mustEnrolFirst } from "../../auth/second-factor";
import { actorOf } from "../../cases/access";
import { DomainError } from "../../errors";
import { recordEvent } from "../../ledger/record-event";
import { postGuarded } from "../../connectors/http-post";
import { decide } from "../../requests/decide";
import { dbNow } from "../../requests/params";
import { paths } from "../links";
import { APPROVE, DENY, decidableInChat, ephemeral, outcomeMessage, progressMessage } from "./blocks";
import { requestCard } from "./card";
import { offerLink, personForChat } from "./links";
import { verifyChatSignature } from "./signature";

export type ChatConfig = {
  signingSecret: string | undefined;
  baseUrl: string;
  requireSecondFactor: readonly string[];
};
export type ChatAnswer = { status: number; body: string };

const Payload = z.object({
  type: z.literal("block_actions"),
  user: z.object({
    id: z.string().min(1).max(64),
    username: z.string().max(100).optional(),
    name: z.string().max(100).optional(),
  }),
  team: z.object({ id: z.string().min(1).max(64) }),
  response_url: z.url().max(2000),
  actions: z
    .array(z.object({ action_id: z.string().max(100), value: z.string().max(200).optional() }))
    .min(1)
    .max(5),
});

const answer = (status: number, message: string): ChatAnswer => ({
  status,
  body: JSON.stringify({ message }),
});

async function reply(url: string, body: Record<string, unknown>): Promise<void> {
  // Best effort: the decision is already recorded; a lost reply only leaves the message as it was.
  await postGuarded(url, {
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    timeoutMs: 5_000,
  }).catch((error: unknown) => console.error(`chat reply failed: ${String(error)}`));
}

export async function handleChatInteraction(
  db: Db,
  request: { headers: Headers; body: string },
  config: ChatConfig,
): Promise<ChatAnswer> {
  if (!config.signingSecret) return answer(404, "Chat approval is not configured");
  const now = Math.floor((await dbNow(db)).getTime() / 1000);
  const signature = request.headers.get("x-slack-signature");
  const verdict = verifyChatSignature(
    config.signingSecret,
    { timestamp: request.headers.get("x-slack-request-timestamp"), signature },
    request.body,
    now,
  );
  if (!verdict.ok) return answer(401, `Signature refused (${verdict.reason})`);
  // A signed request is acted on once: the same bytes sent again are refused.
  const fresh = await db
    .insert(chatInteractionsSeen)
    .values({ signature: signature ?? "" })
    .onConflictDoNothing()
    .returning({ signature: chatInteractionsSeen.signature });
  if (fresh.length === 0) return answer(409, "Already handled");
  await db
    .delete(chatInteractionsSeen)
    .where(sql`${chatInteractionsSeen.at} < now() - interval '15 minutes'`);

  let payload: z.infer<typeof Payload>;
  try {
    payload = Payload.parse(JSON.parse(new URLSearchParams(request.body).get("payload") ?? ""));
  } catch {
    return answer(400, "Not an interaction Casefile understands");
  }
  const action = payload.actions[0];
  if (!action || (action.action_id !== APPROVE && action.action_id !== DENY)) return answer(200, "ok");
  const [requestId, paramsHash] = (action.value ?? "").split(":");
  if (!requestId || !paramsHash || !z.uuid().safeParse(requestId).success)
    return answer(400, "Unknown request");

  const who = {
    teamId: payload.team.id,
    chatUserId: payload.user.id,
    chatUserName: payload.user.username ?? payload.user.name ?? payload.user.id,
  };
  const user = await personForChat(db, who.teamId, who.chatUserId);
  if (!user) {
    const code = await offerLink(db, who);
    await reply(
      payload.response_url,
      ephemeral(
        "Your chat account is not linked to Casefile yet. Open this link, signed in as yourself, and confirm it once; then press the button again:",
        `${config.baseUrl}${paths.notifications()}?chat-link=${code}`,
      ),
    );
    return answer(200, "link offered");
  }
  if (mustEnrolFirst(user, config.requireSecondFactor)) {
    await reply(
      payload.response_url,
      ephemeral("Set up your second factor in Casefile first:", `${config.baseUrl}/account`),
    );
    return answer(200, "enrol first");
  }
  const card = await requestCard(db, requestId, config.baseUrl);
  if (!card) {
    await reply(payload.response_url, ephemeral("No such request."));
    return answer(200, "no request");
  }
  if (!decidableInChat(card.riskTier)) {
    await reply(
      payload.response_url,
      ephemeral(`${card.riskTier} risk needs a fresh second factor: decide in Casefile.`, card.link),
    );
    return answer(200, "step-up needed");
  }

  const decision = action.action_id === APPROVE ? ("approve" as const) : ("deny" as const);
  const meta = {
    requestId: `chat-${randomUUID()}`,
    ip: null,
    userAgent: `Casefile chat (Slack-compatible) team ${who.teamId} user ${who.chatUserId}`.slice(0, 200),
  };
  // The decision commits through the console's decision service (its own transaction), then the
  // entry naming its channel follows it; a refusal is told, not thrown.
  const outcome = await (async () => {
    try {
      const result = await decide(
        db,
        user,
        decision === "approve"
          ? { requestId, paramsHashSeen: paramsHash, decision }
          : { requestId, paramsHashSeen: paramsHash, decision, comment: `Denied in chat by ${user.name}` },
        meta,
      );
      await recordEvent(db, {
        type: "request.decided_in_chat",
        actor: actorOf(user),
        caseKey: card.caseKey,
        subjects: [requestId],
        payload: {
          channel: "chat",
          decision,
          status: result.status,
          teamId: who.teamId,
          chatUserId: who.chatUserId,
        },
        request: meta,
      });
      return { ok: true as const, status: result.status, explanation: result.explanation };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false as const, message: error.message };
      throw error;
    }
  })();
  if (!outcome.ok) {
    await reply(payload.response_url, ephemeral(`Not recorded: ${outcome.message}`, card.link));
    return answer(200, "refused");
  }
  const after = (await requestCard(db, requestId, config.baseUrl)) ?? card;
  const words =
    outcome.status === "approved"
      ? `Approved by ${user.name} in chat: grant issued`
      : outcome.status === "denied"
        ? `Denied by ${user.name} in chat`
        : `Approved by ${user.name} in chat (${after.progress}); waiting for more approvals`;
  await reply(
    payload.response_url,
    outcome.status === "pending" ? progressMessage(after, words) : outcomeMessage(after, words),
  );
  return answer(200, words);
}
