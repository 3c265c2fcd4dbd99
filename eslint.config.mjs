import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import drizzle from "eslint-plugin-drizzle";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// Import paths, as written (alias or relative).
const SERVER_INTERNALS = "^(@/|(\\.\\./)+)server/(?!shared/)";
const DATABASE = "^(@/|(\\.\\./)+)db/";
const DB_FORBIDDEN = "^(@/|(\\.\\./)+)server/(?!shared/|env$)";
// The same rule for no-restricted-syntax (an esquery regex may hold no "/": \x2F stands for it).
const CLIENT_FORBIDDEN = "/^(@\\x2F|(\\.\\.\\x2F)+)(server\\x2F(?!shared\\x2F)|db\\x2F)/";

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      ".data/**",
      "node_modules/**",
      "db/migrations/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    plugins: { "@next/next": nextPlugin },
    rules: { ...nextPlugin.configs.recommended.rules, ...nextPlugin.configs["core-web-vitals"].rules },
  },
  {
    files: ["app/**/*.tsx", "components/**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    plugins: { drizzle },
    rules: {
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
    },
  },
  // Boundaries. Client code reaches the server through tRPC only: it may import types (the
  // router's inputs and outputs) and server/shared/, the constants both sides need, nothing else.
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: SERVER_INTERNALS,
              allowTypeImports: true,
              message: "Components run in the browser: use tRPC, or a constant from server/shared/.",
            },
            {
              regex: DATABASE,
              allowTypeImports: true,
              message: "Components run in the browser: constants both sides need live in server/shared/.",
            },
          ],
        },
      ],
    },
  },
  {
    // Pages, layouts and route handlers run on the server and may call it; a client module may not.
    files: ["app/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: `Program:has(> ExpressionStatement[directive="use client"]) ImportDeclaration[importKind!="type"][source.value=${CLIENT_FORBIDDEN}]`,
          message: "A client module runs in the browser: use tRPC, or a constant from server/shared/.",
        },
      ],
    },
  },
  {
    // db/ is the schema, migrations and the database client: below the services, never calling them.
    files: ["db/**/*.ts"],
    ignores: ["db/**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: DB_FORBIDDEN,
              message: "db/ sits below server/: only server/env and server/shared/ may be imported here.",
            },
          ],
        },
      ],
    },
  },
  {
    // Configuration is read, validated, in one place. The exceptions: tests set policy for their
    // module graph, the test harness and benchmarks pass settings to the processes they start, and
    // the Playwright config picks its port.
    files: ["**/*.{ts,tsx}"],
    ignores: [
      "server/env.ts",
      "**/*.test.ts",
      "**/*.stress.ts",
      "server/testing/**",
      "server/bench/**",
      "e2e/**",
      "playwright.config.ts",
    ],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through env() in server/env.ts." },
      ],
    },
  },
  { files: ["**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);
