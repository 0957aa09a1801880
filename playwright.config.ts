import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { backupFixtureEnv } from "./e2e/fixtures/backups/env";
import { E2E_METRICS_TOKEN } from "./e2e/fixtures/dashboard/metrics-token";
import { e2eOidcProviders } from "./e2e/fixtures/oidc-e2e-providers";
import { privacyFixtureEnv } from "./e2e/fixtures/privacy/env";
import { restoreFixtureEnv } from "./e2e/fixtures/restores/env";

// One production server for the whole e2e run, on a fresh embedded database.
// Workers re-read this file, so the data dir is fixed once in the environment they inherit.
process.env.OPSDECK_E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "opsdeck-e2e-"));
const port = Number(process.env.OPSDECK_E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${port}`;
// The Postgres e2e/backups.spec.ts backs up (project, port, password) and the console's BACKUP_DIR.
const backups = backupFixtureEnv(port);
// The privacy checks' PostHog API stand-in and fixture container (e2e/privacy.spec.ts).
const privacy = privacyFixtureEnv(port);
// The Postgres and app e2e/restores.spec.ts restores into (project, port, password).
const restores = restoreFixtureEnv(port);
// SSO (e2e/sso.spec.ts): the test IdP (e2e/fixtures/oidc-idp.ts) the spec starts on this fixed port, and
// its client's secret. The console only does discovery when someone clicks the button, so the IdP may start later.
process.env.OPSDECK_E2E_OIDC_IDP_PORT ??= String(port + 7);
process.env.OPSDECK_OIDC_TESTIDP_SECRET ??= `e2e-${randomBytes(16).toString("hex")}`;
const oidcProviders = e2eOidcProviders(process.env.OPSDECK_E2E_OIDC_IDP_PORT);

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  fullyParallel: true,
  workers: 2,
  // In CI, one retry (as Vitest): a browser on 2 busy cores can miss a deadline once. A test that passes
  // only on its retry is named as flaky at the end of `npm test` (scripts/list-failed-tests.mjs).
  retries: process.env.CI ? 1 : 0,
  // Assertions wait up to 15 s: on 2 busy cores a server-rendered page after sign-in took over the
  // default 5 s once (a CI-only failure); a wrong page still fails, only later.
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: ".test-reports/e2e.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
    },
  },
  projects: [
    // identity.spec.ts walks the first-admin setup link, which only works while no admin exists: it
    // runs first, alone; the other specs create admins of their own and run after it, in parallel.
    { name: "first-admin", testMatch: "identity.spec.ts", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, channel: undefined } },
    { name: "desktop", testIgnore: "identity.spec.ts", dependencies: ["first-admin"], use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, channel: undefined } },
  ],
  webServer: {
    command: "node_modules/.bin/tsx server.ts",
    url: `${baseURL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      PORT: String(port),
      OPSDECK_HOST: "127.0.0.1",
      OPSDECK_DATA_DIR: process.env.OPSDECK_E2E_DATA_DIR,
      NEXT_TELEMETRY_DISABLED: "1",
      // The dashboard's probes and /metrics token (e2e/dashboard.spec.ts).
      OPSDECK_CONFIG: "e2e/fixtures/dashboard/opsdeck.e2e.yaml",
      OPSDECK_E2E_METRICS_TOKEN: E2E_METRICS_TOKEN,
      // Backups (e2e/backups.spec.ts): where they go, and the Postgres opsdeck.e2e.yaml names.
      BACKUP_DIR: backups.backupDir,
      OPSDECK_E2E_BACKUP_PROJECT: backups.project,
      OPSDECK_E2E_BACKUP_PG_PORT: String(backups.port),
      OPSDECK_E2E_BACKUP_PG_PASSWORD: backups.password,
      // Privacy (e2e/privacy.spec.ts): the stand-in's port and key, the fixture project opsdeck.e2e.yaml names.
      OPSDECK_E2E_PRIVACY_PROJECT: privacy.project,
      OPSDECK_E2E_PRIVACY_API_PORT: String(privacy.apiPort),
      OPSDECK_E2E_POSTHOG_KEY: privacy.apiKey,
      // Restores (e2e/restores.spec.ts): the compose project and Postgres opsdeck.e2e.yaml names as restore-db.
      OPSDECK_E2E_RESTORE_PROJECT: restores.project,
      OPSDECK_E2E_RESTORE_PG_PORT: String(restores.port),
      OPSDECK_E2E_RESTORE_PG_PASSWORD: restores.password,
      // SSO (e2e/sso.spec.ts): one provider, the test IdP the spec starts, and its client secret.
      OPSDECK_OIDC_PROVIDERS: JSON.stringify(oidcProviders),
      OPSDECK_OIDC_TESTIDP_SECRET: process.env.OPSDECK_OIDC_TESTIDP_SECRET,
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/root",
    },
  },
});
