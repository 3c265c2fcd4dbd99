import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { TEST_CLIENT, TEST_GROUP_ROLES } from "./server/testing/oidc-client";

// E2E_PORT lets two checkouts run their suites side by side.
const PORT = Number(process.env.E2E_PORT ?? 3100);
export const baseURL = `http://localhost:${PORT}`;
// The test identity provider for single sign-on (e2e/sso.spec.ts) listens next door.
const OIDC_PORT = PORT + 1;
const OIDC_ISSUER = `http://127.0.0.1:${OIDC_PORT}`;

// Prefer the system's Chromium (CI installs Debian's); otherwise Playwright's own browser.
const SYSTEM_CHROMIUM = "/usr/bin/chromium";
const launchOptions = existsSync(SYSTEM_CHROMIUM)
  ? {
      executablePath: SYSTEM_CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    }
  : {};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  forbidOnly: !!process.env.CI,
  retries: 0,
  // One worker: the tests share one server and its demo accounts, and the machine has two cores.
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions,
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: [
    {
      command: `npx tsx e2e/oidc-provider-server.ts ${OIDC_PORT} ${baseURL}/api/auth/callback/oidc`,
      url: `${OIDC_ISSUER}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
    },
    {
      // The production build (`next build` runs first, see test:e2e) on its own fresh embedded database.
      command: "npx tsx server/cli/serve.ts --reset-data",
      url: `${baseURL}/sign-in`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      env: {
        PORT: String(PORT),
        NEXTAUTH_URL: baseURL,
        CASEFILE_DATA_DIR: `.data/e2e-${PORT}`,
        CASEFILE_SEED_DEMO: "true",
        CASEFILE_DEMO_PASSWORD: "casefile-demo",
        // The demo's evidence store and target database (on the embedded server) listen on loopback.
        CASEFILE_CONNECTOR_ALLOW: "127.0.0.1/32",
        DATABASE_URL: "",
        AUTH_SECRET: "",
        // Single sign-on through the test provider; password sign-in stays on for the other specs.
        CASEFILE_OIDC_ISSUER: OIDC_ISSUER,
        CASEFILE_OIDC_CLIENT_ID: TEST_CLIENT.clientId,
        CASEFILE_OIDC_CLIENT_SECRET: TEST_CLIENT.clientSecret,
        CASEFILE_OIDC_NAME: "Test IdP",
        CASEFILE_OIDC_GROUP_ROLES: TEST_GROUP_ROLES,
        CASEFILE_PASSWORD_SIGN_IN: "true",
      },
    },
  ],
});
