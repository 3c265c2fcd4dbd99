/**
 * PostgreSQL refuses to run as root. Started as root, the embedded server runs as the
 * unprivileged `postgres` system user, who must reach its binaries and its data. A checkout
 * in a private folder (a `mktemp -d`, root's home: mode 0700) hides both from that user, so
 * as root both live under one system folder instead, the same for every checkout:
 *   <system>/postgres-<version>/   a copy of the binaries, root-owned, world-readable
 *   <system>/clusters/<name>/      the cluster's data, owned by `postgres`
 * Nothing outside the project changes permissions; the folder is created if missing.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, cp, mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const SYSTEM_USER = "postgres";

export type RunAs = { uid: number; gid: number };

/** The reason a root start cannot go on, in one sentence for the operator. */
export class EmbeddedStartError extends Error {}

async function ids(user: string): Promise<RunAs | null> {
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
      run("id", ["-u", user]),
      run("id", ["-g", user]),
    ]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    return null;
  }
}

/** The `postgres` system user, created (no login, no home) when the machine has none. */
export async function systemUser(): Promise<RunAs> {
  const existing = await ids(SYSTEM_USER);
  if (existing) return existing;
  try {
    await run("useradd", [
      "--system",
      "--user-group",
      "--no-create-home",
      "--home-dir",
      "/nonexistent",
      "--shell",
      "/usr/sbin/nologin",
      SYSTEM_USER,
    ]);
  } catch (error) {
    throw new EmbeddedStartError(
      `Started as root, Casefile runs PostgreSQL as the system user "${SYSTEM_USER}", which does not exist and could not be created (${firstLine(error)}): create it, run as a regular user, or set DATABASE_URL to an external PostgreSQL.`,
    );
  }
  const created = await ids(SYSTEM_USER);
  if (!created)
    throw new EmbeddedStartError(`The system user "${SYSTEM_USER}" was created but cannot be found.`);
  return created;
}

/** Creates the folder (and missing parents) readable and traversable by everyone. */
async function publicFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new EmbeddedStartError(
      `Started as root, Casefile keeps the embedded PostgreSQL in ${dir}, which could not be created (${firstLine(error)}): set CASEFILE_SYSTEM_DIR to a folder every user can reach, run as a regular user, or set DATABASE_URL.`,
    );
  }
}

/**
 * A copy of the package's binaries (bin, lib, share) under the system folder, made once per
 * version. Copied to a temporary name and renamed, so a half-made copy is never used.
 */
export async function stageBinaries(systemDir: string, nativeDir: string, version: string): Promise<string> {
  const target = path.join(systemDir, `postgres-${version}`);
  if (existsSync(path.join(target, "bin", "postgres"))) return target;
  await publicFolder(systemDir);
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
  await chmod(partial, 0o755);
  try {
    await rename(partial, target);
  } catch (error) {
    // Another process staged the same version first.
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(path.join(target, "bin", "postgres"))) throw error;
  }
  return target;
}

/** Fails with one sentence when the system user cannot run the staged binaries (a private ancestor). */
export async function checkReachable(postgresBinary: string, systemDir: string, user: RunAs): Promise<void> {
  try {
    await run(postgresBinary, ["--version"], { uid: user.uid, gid: user.gid });
  } catch (error) {
    throw new EmbeddedStartError(
      `The system user "${SYSTEM_USER}" cannot run PostgreSQL from ${systemDir} (${firstLine(error)}): set CASEFILE_SYSTEM_DIR to a folder every user can reach, run as a regular user, or set DATABASE_URL.`,
    );
  }
}

/** The cluster folder for a data directory: named for it, so each checkout keeps its own. */
export async function clusterFolder(systemDir: string, dataDir: string, owner: RunAs): Promise<string> {
  const absolute = path.resolve(dataDir);
  const digest = createHash("sha256").update(absolute).digest("hex").slice(0, 12);
  const name = `${path.basename(path.dirname(absolute))}-${path.basename(absolute)}-${digest}`.replace(
    /[^A-Za-z0-9._-]/g,
    "_",
  );
  await publicFolder(path.join(systemDir, "clusters"));
  const dir = path.join(systemDir, "clusters", name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chown(dir, owner.uid, owner.gid);
  return dir;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
