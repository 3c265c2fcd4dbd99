/** The one place mail leaves Casefile: nodemailer over SMTP. */
import nodemailer from "nodemailer";

export type Mail = { to: string; subject: string; text: string; html: string };
export type Mailer = { send: (mail: Mail) => Promise<void>; close: () => void };

/**
 * `url`: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465; further
 * nodemailer options may ride as query parameters (e.g. ?requireTLS=true). A deadline
 * applies to every step, so a silent server delays only the mail outbox, never hangs it.
 */
export function smtpMailer(url: string, from: string, options: { timeoutMs?: number } = {}): Mailer {
  const timeout = String(options.timeoutMs ?? 15_000);
  const target = new URL(url);
  for (const key of ["connectionTimeout", "greetingTimeout", "socketTimeout"]) {
    if (!target.searchParams.has(key)) target.searchParams.set(key, timeout);
  }
  const transport = nodemailer.createTransport(target.toString());
  return {
    send: async (mail) => {
      await transport.sendMail({ from, ...mail });
    },
    close: () => transport.close(),
  };
}
