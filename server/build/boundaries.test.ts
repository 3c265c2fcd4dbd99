/**
 * The import and configuration boundaries in eslint.config.mjs, proved on small snippets
 * linted with the real config as if they were files of the tree: each rule refuses a
 * deliberate violation and lets the allowed form through.
 */
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, "../..") });
const SLOW = 300_000; // type-aware linting starts a TypeScript project service

/** The ids of the boundary rules that the snippet breaks, linted as if it were `file`. */
async function broken(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  const boundary = new Set([
    "@typescript-eslint/no-restricted-imports",
    "no-restricted-syntax",
    "no-restricted-properties",
  ]);
  return (result?.messages ?? []).flatMap((m) => (m.ruleId && boundary.has(m.ruleId) ? [m.ruleId] : []));
}

describe("components stay off server internals", () => {
  it(
    "refuses a value import from server/ or db/, allows types and server/shared/",
    async () => {
      const file = "components/admin/role-picker.tsx";
      expect(
        await broken(file, `import { SERVES } from "@/server/connectors/config";\nvoid SERVES;\n`),
      ).toEqual(["@typescript-eslint/no-restricted-imports"]);
      expect(await broken(file, `import { ROLES } from "@/db/schema";\nvoid ROLES;\n`)).toEqual([
        "@typescript-eslint/no-restricted-imports",
      ]);
      expect(await broken(file, `import { env } from "../../server/env";\nvoid env;\n`)).toEqual([
        "@typescript-eslint/no-restricted-imports",
      ]);
      const allowed = [
        `import { ROLES } from "@/server/shared/constants";`,
        `import type { RouterOutputs } from "@/server/trpc/routers/_app";`,
        `export type X = RouterOutputs["me"];`,
        `void ROLES;`,
      ].join("\n");
      expect(await broken(file, `${allowed}\n`)).toEqual([]);
    },
    SLOW,
  );
});

describe("client modules under app/ stay off server internals", () => {
  it(
    'refuses a server import in a "use client" module, allows it in a server component',
    async () => {
      const file = "app/(console)/page.tsx";
      const importing = `import { getDb } from "@/server/db";\nexport const db = getDb;\n`;
      expect(await broken(file, `"use client";\n${importing}`)).toEqual(["no-restricted-syntax"]);
      expect(await broken(file, importing)).toEqual([]);
      expect(
        await broken(
          file,
          `"use client";\nimport { ROLES } from "@/server/shared/constants";\nvoid ROLES;\n`,
        ),
      ).toEqual([]);
    },
    SLOW,
  );
});

describe("db/ stays below server/", () => {
  it(
    "refuses server services in db/, allows server/env and server/shared/",
    async () => {
      expect(
        await broken(
          "db/client.ts",
          `import { hashPassword } from "@/server/auth/password";\nvoid hashPassword;\n`,
        ),
      ).toEqual(["@typescript-eslint/no-restricted-imports"]);
      expect(await broken("db/client.ts", `import { env } from "@/server/env";\nvoid env;\n`)).toEqual([]);
      expect(
        await broken(
          "db/schema/users.ts",
          `import { ROLES } from "../../server/shared/constants";\nvoid ROLES;\n`,
        ),
      ).toEqual([]);
    },
    SLOW,
  );
});

describe("process.env is read in server/env.ts only", () => {
  it(
    "refuses it elsewhere, by property or destructuring",
    async () => {
      expect(await broken("server/db.ts", `export const url = process.env.DATABASE_URL;\n`)).toEqual([
        "no-restricted-properties",
      ]);
      expect(
        await broken("components/ui/button.tsx", `const { env } = process;\nexport const e = env;\n`),
      ).toEqual(["no-restricted-properties"]);
      expect(await broken("server/env.ts", `export const url = process.env.DATABASE_URL;\n`)).toEqual([]);
    },
    SLOW,
  );
});
