/** The process's secrets: from the environment, else generated once into the data directory. */
import "server-only";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { newConnectorKey } from "../connectors/seal";
import { env } from "../env";

const dataDir = () => path.resolve(env().CASEFILE_DATA_DIR);

async function readOrCreate(name: string, create: () => string): Promise<string> {
  const file = path.join(dataDir(), name);
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  await mkdir(dataDir(), { recursive: true });
  await writeFile(file, create() + "\n", { mode: 0o600 });
  return (await readFile(file, "utf8")).trim();
}

/** Signs session tokens: AUTH_SECRET, else `<data dir>/auth-secret`. */
export async function authSecret(): Promise<string> {
  return env().AUTH_SECRET ?? readOrCreate("auth-secret", () => randomBytes(32).toString("base64url"));
}

/** Seals connector secrets: CASEFILE_CONNECTOR_KEY, else `<data dir>/connector-key`. */
export async function connectorKey(): Promise<string> {
  return env().CASEFILE_CONNECTOR_KEY ?? readOrCreate("connector-key", newConnectorKey);
}
