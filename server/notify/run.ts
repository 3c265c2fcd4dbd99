/**
 * The notification work the background workers run every few seconds: read new ledger
 * entries into notifications, warn of expiring grants, gather digests, send due mail and
 * chat messages. Each part is safe on any number of workers at once.
 */
import type { Db, Tx } from "@/db/client";
import { env } from "../env";
import { queueChatPost, sendDueChatPosts } from "./chat/posts";
import { queueDigests } from "./digest";
import { warnExpiringGrants } from "./expiring";
import { escalateDue } from "./escalate";
import { fanOut } from "./fan-out";
import type { Entry } from "./tell";
import { publicUrl } from "./links";
import { sendDueMail } from "./mail-outbox";
import { type Mailer, smtpMailer } from "./mailer";

export type Notifier = { tick: () => Promise<void>; close: () => void };

export function startNotifier(db: Db, log: (message: string) => void): Notifier {
  const config = env();
  const mailer: Mailer | null = config.CASEFILE_SMTP_URL
    ? smtpMailer(config.CASEFILE_SMTP_URL, config.CASEFILE_MAIL_FROM)
    : null;
  const chatUrl = config.CASEFILE_CHAT_WEBHOOK_URL;
  const baseUrl = publicUrl();
  const options = {
    baseUrl,
    mail: mailer !== null,
    also: chatUrl ? (tx: Tx, entry: Entry) => queueChatPost(tx, entry, baseUrl) : undefined,
  };
  const failed = (what: string) => (error: unknown) =>
    log(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  let running = false;
  return {
    tick: async () => {
      if (running) return; // one tick at a time in this process
      running = true;
      try {
        await escalateDue(db).catch(failed("request escalation"));
        await fanOut(db, options).catch(failed("notification fan-out"));
        await warnExpiringGrants(db, options).catch(failed("grant expiry warnings"));
        await queueDigests(db, options).catch(failed("notification digests"));
        if (mailer) await sendDueMail(db, mailer).catch(failed("mail outbox"));
        if (chatUrl) await sendDueChatPosts(db, chatUrl).catch(failed("chat outbox"));
      } finally {
        running = false;
      }
    },
    close: () => mailer?.close(),
  };
}
