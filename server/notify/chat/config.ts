import { env } from "../../env";
import { publicUrl } from "../links";
import type { ChatConfig } from "./interaction";

export function chatConfig(): ChatConfig {
  const e = env();
  return {
    signingSecret: e.CASEFILE_CHAT_SIGNING_SECRET,
    baseUrl: publicUrl(),
    requireSecondFactor: e.CASEFILE_REQUIRE_SECOND_FACTOR,
  };
}
