/**
 * `npm start`'s build step: runs `next build` only when what the build reads changed since the
 * last one (sources, lockfile, configuration), and says which; otherwise starts at once.
 * The stamp (a hash per file) is written beside the build it describes.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const INPUTS = ["app", "components", "server", "db", "public", "proxy.ts", "next.config.ts"];
const FILES = ["package.json", "package-lock.json", "tsconfig.json", "postcss.config.mjs"];
const STAMP = path.join(".next", "casefile-build-stamp.json");
const SKIP = /(\.test\.tsx?|\.stress\.ts)$/;

async function walk(entry: string, out: string[]): Promise<void> {
  if (!existsSync(entry)) return;
  const items = await readdir(entry, { withFileTypes: true }).catch(() => null);
  if (!items) {
    if (!SKIP.test(entry)) out.push(entry);
    return;
  }
  for (const item of items) await walk(path.join(entry, item.name), out);
}

export async function buildInputs(): Promise<Record<string, string>> {
  const files: string[] = [];
  for (const entry of [...INPUTS, ...FILES]) await walk(entry, files);
  const hashes: Record<string, string> = {};
  for (const file of files.sort()) {
    hashes[file] = createHash("sha256")
      .update(await readFile(file))
      .digest("hex");
  }
  return hashes;
}

/** What differs between the last build's inputs and today's, in a few words. */
export function describeChange(before: Record<string, string>, now: Record<string, string>): string[] {
  const changed = Object.keys(now).filter((file) => before[file] !== now[file]);
  const removed = Object.keys(before).filter((file) => !(file in now));
  return [...changed, ...removed.map((file) => `${file} (removed)`)];
}

async function main() {
  const inputs = await buildInputs();
  const previous =
    existsSync(STAMP) && existsSync(path.join(".next", "BUILD_ID"))
      ? (JSON.parse(await readFile(STAMP, "utf8")) as Record<string, string>)
      : null;
  if (previous) {
    const changes = describeChange(previous, inputs);
    if (changes.length === 0) {
      console.log("Build is up to date with the sources: starting.");
      return;
    }
    const shown = changes.slice(0, 5).join(", ");
    console.log(
      `Rebuilding: ${shown}${changes.length > 5 ? ` and ${changes.length - 5} more` : ""} changed.`,
    );
  } else {
    console.log("Building (no earlier build found).");
  }
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const result = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
  await writeFile(STAMP, JSON.stringify(inputs));
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
