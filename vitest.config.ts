import path from "node:path";
import { defineConfig } from "vitest/config";

// `vitest run --mode stress` (npm run test:stress): the long suites — the load test against the
// production build, and the hostile-input properties with many more runs per procedure.
export default defineConfig(({ mode }) => {
  const stress = mode === "stress";
  return {
    resolve: {
      alias: {
        "@": path.resolve(import.meta.dirname),
        // `server-only` throws unless resolved under the react-server condition, which only the
        // Next.js server build sets; tests run server code directly (tsconfig.json maps it the same
        // way for tsx and Playwright).
        "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
      },
    },
    test: {
      include: stress
        ? ["server/**/*.stress.ts", "server/trpc/fuzz.test.ts"]
        : ["{server,db,components}/**/*.test.ts"],
      globalSetup: ["server/testing/global-setup.ts"],
      env: {
        // A fixed key for sealing connector secrets in tests (the app generates its own).
        CASEFILE_CONNECTOR_KEY: "dGVzdC1rZXktZm9yLWNhc2VmaWxlLWNvbm5lY3RvcnM",
        // The suites' evidence stores, target databases and webhook receivers listen on loopback,
        // which connectors may reach only when allowed (server/connectors/egress.ts).
        CASEFILE_CONNECTOR_ALLOW: "127.0.0.1/32",
        ...(stress ? { FUZZ_RUNS: "150" } : {}),
      },
      testTimeout: stress ? 600_000 : 30_000,
      hookTimeout: stress ? 300_000 : 120_000,
    },
  };
});
