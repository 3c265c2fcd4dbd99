/**
 * `npm ci` refuses a lockfile that lacks an entry for any optional dependency, including
 * other platforms' native binaries (@next/swc-*, @tailwindcss/oxide-*). A lockfile written
 * by `npm install` on one machine can drop them; `npm install --package-lock-only` on a
 * clean tree keeps them all. This keeps the committed lockfile usable by `npm ci` anywhere.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

type LockPackage = { optionalDependencies?: Record<string, string>; dependencies?: Record<string, string> };
type Lockfile = { packages: Record<string, LockPackage> };

const lock = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, "../../package-lock.json"), "utf8"),
) as Lockfile;

/** npm's resolution: the nearest node_modules up from the dependent's own folder. */
function resolves(from: string, name: string): boolean {
  let dir = from;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ""}node_modules/${name}`]) return true;
    if (!dir) return false;
    const index = dir.lastIndexOf("/node_modules/");
    dir = index === -1 ? "" : dir.slice(0, index);
  }
}

describe("package-lock.json", () => {
  it("has an entry for every optional dependency, on every platform", () => {
    const missing: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolves(where, name))
          missing.push(`${name} (optional dependency of ${where || "the project"})`);
      }
    }
    expect(missing, "regenerate with `rm -rf node_modules && npm install --package-lock-only`").toEqual([]);
  });
});
