import { getDb } from "@/server/db";
import { chatConfig } from "@/server/notify/chat/config";
import { handleChatInteraction } from "@/server/notify/chat/interaction";

export const dynamic = "force-dynamic";

/** Slack-compatible interactivity endpoint: button presses on Casefile's approval messages. */
export async function POST(request: Request) {
  const body = await request.text();
  const answer = await handleChatInteraction(getDb(), { headers: request.headers, body }, chatConfig());
  return new Response(answer.body, {
    status: answer.status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}
