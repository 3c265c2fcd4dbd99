/**
 * Connector configurations (URLs with passwords, webhook secrets) are sealed with
 * AES-256-GCM under a key that lives outside the database (CASEFILE_CONNECTOR_KEY,
 * or a key file the embedded default creates under the data directory). A copy of
 * the database alone reveals no connector secret.
 */
import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "../env";

const VERSION = "v1";

export function parseKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), "base64url");
  if (key.length !== 32) throw new Error("CASEFILE_CONNECTOR_KEY must be 32 bytes, base64url-encoded");
  return key;
}

export function newConnectorKey(): string {
  return randomBytes(32).toString("base64url");
}

let processKey: string | undefined;

/** The server launcher generates the key file once and hands the key to this process and the web process. */
export function useConnectorKey(text: string): void {
  parseKey(text);
  processKey = text;
}

function configuredKey(): Buffer {
  const text = processKey ?? env().CASEFILE_CONNECTOR_KEY;
  if (!text) throw new Error("CASEFILE_CONNECTOR_KEY is not set: connectors cannot be read or saved");
  return parseKey(text);
}

export function seal(value: unknown, key: Buffer = configuredKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

export function unseal(sealed: string, key: Buffer = configuredKey()): unknown {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || !body) throw new Error("not a sealed connector configuration");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  const text = Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
    "utf8",
  );
  return JSON.parse(text) as unknown;
}
