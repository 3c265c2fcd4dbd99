/**
 * Short-lived connections to evidence stores and target databases. The URL gives
 * where and as whom only: the session settings Casefile relies on (statement and
 * lock timeouts, search_path, read-only for evidence) are set by the server on
 * every connection, and a URL that tries to set anything but `sslmode` is refused.
 * The socket connects through the address check (./egress.ts).
 */
import { connect, type Socket } from "node:net";
import postgres from "postgres";
import { type PostgresConfig, type SslMode, urlProblem } from "./config";
import { assertLiteralPermitted, guardedLookup } from "./egress";
import { bareHost } from "./allow-list";

/** Every statement on a connector is bounded: a hung target fails the execution, not the app. */
export const STATEMENT_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_S = 5;
/** A whole unit of work on a connector, however the far side behaves (inside the 2-minute run lease). */
const DEADLINE_MS = 90_000;

/** The settings every connector session runs with; nothing in a connector URL reaches them. */
export function sessionSettings(readOnly: boolean): Record<string, string> {
  return {
    application_name: "casefile",
    statement_timeout: String(STATEMENT_TIMEOUT_MS),
    lock_timeout: "5000",
    idle_in_transaction_session_timeout: "15000",
    search_path: "public",
    default_transaction_read_only: readOnly ? "on" : "off",
  };
}

function openSocket(host: string, port: number): Socket {
  assertLiteralPermitted(host);
  const socket = connect({ host, port, lookup: guardedLookup });
  // postgres.js names the TLS server after `socket.host`: the connector's host name, not the address.
  return Object.assign(socket, { host });
}

/** postgres.js takes a `socket` factory (documented, not in its type declarations). */
type ConnectorOptions = postgres.Options<Record<string, never>> & { socket: () => Socket };

/** The sockets of one unit of work, destroyed when it ends however postgres.js left them. */
type Sockets = { open: Set<Socket>; closed: boolean };

function optionsOf(config: PostgresConfig, readOnly: boolean, sockets: Sockets): ConnectorOptions {
  const url = new URL(config.url);
  const problem = urlProblem(url);
  if (problem) throw new Error(problem);
  const host = bareHost(url.hostname);
  const port = Number(url.port || 5432);
  const sslmode = (url.searchParams.get("sslmode") ?? "disable") as SslMode;
  return {
    host,
    port,
    database: decodeURIComponent(url.pathname.slice(1)),
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    // postgres.js verifies the certificate for any mode it does not name (verify-ca too).
    ssl: sslmode === "disable" ? false : sslmode === "verify-ca" ? "verify-full" : sslmode,
    socket: () => {
      if (sockets.closed) throw new Error("the connection was closed");
      const socket = openSocket(host, port);
      sockets.open.add(socket);
      socket.once("close", () => sockets.open.delete(socket));
      return socket;
    },
    max: 1,
    connect_timeout: CONNECT_TIMEOUT_S,
    idle_timeout: 1,
    onnotice: () => {},
    prepare: false,
    connection: sessionSettings(readOnly),
  };
}

export class DeadlineExceeded extends Error {
  readonly code = "ETIMEDOUT";
  constructor(ms: number) {
    super(`no answer within ${ms / 1000} s`);
    this.name = "TimeoutError";
  }
}

export async function withConnector<T>(
  config: PostgresConfig,
  run: (sql: postgres.Sql) => Promise<T>,
  options: { readOnly?: boolean; deadlineMs?: number; rawErrors?: boolean } = {},
): Promise<T> {
  const deadlineMs = options.deadlineMs ?? DEADLINE_MS;
  const sockets: Sockets = { open: new Set(), closed: false };
  const sql = postgres(optionsOf(config, options.readOnly ?? false, sockets));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(deadlineMs)), deadlineMs);
  });
  try {
    return await Promise.race([run(sql), deadline]);
  } catch (error) {
    if (options.rawErrors) throw error;
    throw new Error(connectorMessage(error), { cause: error });
  } finally {
    clearTimeout(timer);
    sockets.closed = true;
    await sql.end({ timeout: 1 }).catch(() => undefined);
    for (const socket of sockets.open) socket.destroy();
  }
}

/** A connector failure in words, without the connection string. */
function connectorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  if (code === "EADDRNOTALLOWED") return error.message;
  if (code === "ECONNREFUSED")
    return "The database refused the connection (is it running, is the port right?)";
  if (code === "ENOTFOUND") return "The database host name does not resolve";
  if (code === "CONNECT_TIMEOUT") return `The database did not answer within ${CONNECT_TIMEOUT_S} seconds`;
  if (error instanceof DeadlineExceeded) return `The database did not finish within ${DEADLINE_MS / 1000} s`;
  if (code === "57014")
    return `The statement ran longer than ${STATEMENT_TIMEOUT_MS / 1000} s and was cancelled`;
  return error.message;
}

/** Connects and signs in, read-only; throws the underlying error (the caller reports it in fixed words). */
export async function probePostgres(config: PostgresConfig, deadlineMs: number): Promise<void> {
  await withConnector(config, (sql) => sql`select 1`, { readOnly: true, deadlineMs, rawErrors: true });
}
