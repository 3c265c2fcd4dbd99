import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["{server,db,components}/**/*.test.ts"],
    globalSetup: ["server/testing/global-setup.ts"],
    // A fixed key for sealing connector secrets in tests (the app generates its own).
    env: { CASEFILE_CONNECTOR_KEY: "dGVzdC1rZXktZm9yLWNhc2VmaWxlLWNvbm5lY3RvcnM" },
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
