/**
 * What each kind of connector is configured with, and the part of it that is safe
 * to show (never a password or secret).
 */
import { z } from "zod";
import type { ConnectorKind } from "@/db/schema";

/** A URL field that `accept` must like once parsed; anything unparsable is refused with the same message. */
const urlField = (accept: (u: URL) => boolean, message: string) =>
  z
    .string()
    .trim()
    .max(2000)
    .refine((v) => {
      try {
        return accept(new URL(v));
      } catch {
        return false;
      }
    }, message);

export const postgresConfig = z
  .object({
    url: urlField(
      (u) =>
        (u.protocol === "postgres:" || u.protocol === "postgresql:") &&
        u.hostname !== "" &&
        u.pathname.length > 1,
      "A postgres:// URL with host and database, e.g. postgres://user:password@db.internal:5432/evidence",
    ),
  })
  .strict();

export const webhookConfig = z
  .object({
    url: urlField(
      (u) => (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password,
      "An http(s) URL without credentials",
    ),
    secret: z.string().min(16, "At least 16 characters").max(500),
  })
  .strict();

export type PostgresConfig = z.infer<typeof postgresConfig>;
export type WebhookConfig = z.infer<typeof webhookConfig>;
export type ConnectorConfig = PostgresConfig | WebhookConfig;

export const CONFIG_SCHEMAS = { postgres: postgresConfig, webhook: webhookConfig } as const;

/** Which actions a kind of connector can carry out. */
export const SERVES: Record<ConnectorKind, string[]> = {
  postgres: ["logs.query", "db.session.terminate", "db.role.disable", "db.role.enable"],
  webhook: ["host.isolate", "account.disable"],
};

export function displayOf(kind: ConnectorKind, config: ConnectorConfig): Record<string, string> {
  const url = new URL(config.url);
  if (kind === "postgres")
    return {
      host: url.hostname,
      port: url.port || "5432",
      database: decodeURIComponent(url.pathname.slice(1)),
      user: decodeURIComponent(url.username),
    };
  return { url: `${url.origin}${url.pathname}` };
}
