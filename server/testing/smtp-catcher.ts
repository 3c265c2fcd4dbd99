import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type CaughtMail = { from: string; to: string[]; subject: string; raw: string; text: string };

/** Undoes quoted-printable soft breaks and escapes, so tests read bodies as written. */
function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * A real SMTP server for tests: it accepts every message and keeps it. `down()` stops
 * listening and `up()` listens again on the same port, to test a mail server that is away.
 */
export async function smtpCatcher() {
  const mails: CaughtMail[] = [];
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          const subject =
            /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r?\n[ \t]/g, " ") ?? "";
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            subject,
            raw,
            text: decodeQuotedPrintable(raw),
          });
          callback();
        });
      },
    });
  let server = make();
  const listen = (port: number) =>
    new Promise<number>((resolve) =>
      server.listen(port, "127.0.0.1", () => resolve((server.server.address() as AddressInfo).port)),
    );
  const port = await listen(0);
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    mails,
    url: `smtp://127.0.0.1:${port}`,
    /** Mails to one address. */
    to: (address: string) => mails.filter((m) => m.to.includes(address)),
    down: close,
    up: async () => {
      server = make();
      await listen(port);
    },
    stop: close,
  };
}
