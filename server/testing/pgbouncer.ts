/**
 * A real PgBouncer in front of a test database, as a child process with its
 * configuration in a temporary folder. It serves two database names for the
 * same database: `session` (pool_mode=session) and `transaction`
 * (pool_mode=transaction). Needs the `pgbouncer` binary (Debian: apt-get install
 * pgbouncer); as root it runs as the `postgres` system user, since PgBouncer
 * refuses to run as root.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { SYSTEM_USER, systemUser } from "@/db/embedded-root";

export type PoolMode = "session" | "transaction";

export type PgBouncer = {
  /** `url` (a user's direct URL to the test database) through PgBouncer in `mode`. */
  through: (url: string, mode: PoolMode) => string;
  stop: () => Promise<void>;
};

const BINARIES = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/**
 * Starts PgBouncer for the database of `serverUrl` (any user's URL to it); `users` are the
 * roles (and passwords) that will connect through it.
 */
export async function startPgBouncer(serverUrl: string, users: Record<string, string>): Promise<PgBouncer> {
  const binary = BINARIES.find((file) => existsSync(file));
  if (!binary) throw new Error("PgBouncer is not installed: apt-get install pgbouncer");
  const server = new URL(serverUrl);
  const database = server.pathname.slice(1);
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), "casefile-pgbouncer-"));
  const target = `host=${server.hostname} port=${server.port || 5432} dbname=${database}`;
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
  await writeFile(
    path.join(dir, "userlist.txt"),
    Object.entries(users)
      .map(([user, password]) => `${quote(user)} ${quote(password)}\n`)
      .join(""),
    { mode: 0o600 },
  );
  const config = path.join(dir, "pgbouncer.ini");
  await writeFile(
    config,
    [
      "[databases]",
      `session = ${target} pool_mode=session`,
      `transaction = ${target} pool_mode=transaction`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = scram-sha-256",
      `auth_file = ${path.join(dir, "userlist.txt")}`,
      "default_pool_size = 10",
      "max_client_conn = 100",
      "ignore_startup_parameters = extra_float_digits,options",
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = await systemUser();
    for (const file of [dir, config, path.join(dir, "userlist.txt")]) await chown(file, uid, gid);
  }
  const child = spawn(binary, [...(asRoot ? ["-u", SYSTEM_USER] : []), config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      output = (output + text).slice(-4000); // the last lines, for an error
      if (output.includes("process up")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`pgbouncer exited (${code}): ${output.trim()}`)));
    child.once("error", reject);
  });
  return {
    through: (url, mode) => {
      const via = new URL(url);
      via.hostname = "127.0.0.1";
      via.port = String(port);
      via.pathname = `/${mode}`;
      return via.toString();
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
