/**
 * What each kind of connector is configured with, and the part of it that is safe
 * to show (never a password or secret).
 */
import { z } from "zod";
import type { ConnectorKind } from "@/db/schema";
import { bareHost } from "./allow-list";

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

export const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Why a postgres:// URL cannot be used as a connector (a query option, several hosts, …), or null. */
export function urlProblem(url: URL): string | null {
  const host = bareHost(url.hostname);
  if (!/^[a-z0-9.:-]+$/.test(host)) return "The host must be one host name or IP address";
  if (!/^\/[^/]+$/.test(url.pathname)) return "The path must be the database name";
  for (const [key, value] of url.searchParams) {
    if (key !== "sslmode")
      return `?${key} is not accepted: Casefile sets session settings itself (read-only, timeouts, search_path); only sslmode may be given`;
    if (!(SSL_MODES as readonly string[]).includes(value))
      return `sslmode must be one of ${SSL_MODES.join(", ")}`;
  }
  return null;
}

export const postgresConfig = z
  .object({
    url: urlField(
      (u) =>
        (u.protocol === "postgres:" || u.protocol === "postgresql:") &&
        u.hostname !== "" &&
        u.pathname.length > 1,
      "A postgres:// URL with host and database, e.g. postgres://user:password@db.internal:5432/evidence",
    ).superRefine((v, ctx) => {
      let problem: string | null = null;
      try {
        problem = urlProblem(new URL(v));
      } catch {
        return; // already refused above
      }
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
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
