import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { env } from "../../env";

export type Credentials = { url: string; token: string };

/** Where `login` keeps the token: CASEFILE_CREDENTIALS_FILE, else ~/.config/casefile/credentials.json. */
export function credentialsPath(): string {
  return env().CASEFILE_CREDENTIALS_FILE ?? join(homedir(), ".config", "casefile", "credentials.json");
}

export async function saveCredentials(credentials: Credentials): Promise<string> {
  const path = credentialsPath();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600); // an existing file keeps its mode on write
  return path;
}

export async function loadCredentials(): Promise<Credentials> {
  const text = await readFile(credentialsPath(), "utf8").catch(() => null);
  if (!text)
    throw new CliError("Not logged in: run `casefile login --url <server> --token <token>` first", 1);
  return JSON.parse(text) as Credentials;
}

/** An error with the exit code it stands for (2 refused, 3 expired, 1 anything else). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** One REST call; a problem+json answer becomes a CliError with its detail. */
export async function call(
  credentials: Credentials,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const base = credentials.url.replace(/\/+$/, "");
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${credentials.token}`,
      ...(body === undefined
        ? {}
        : { "content-type": "application/json", "idempotency-key": crypto.randomUUID() }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch((error: unknown) => {
    throw new CliError(`Cannot reach ${base}: ${error instanceof Error ? error.message : String(error)}`, 1);
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const detail = typeof json.detail === "string" ? json.detail : `HTTP ${response.status}`;
    throw new CliError(detail, response.status === 403 ? 2 : 1);
  }
  return json;
}
