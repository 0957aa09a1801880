import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname), "server-only": path.resolve(import.meta.dirname, "test/server-only-stub.ts") };

// In CI (2 cores shared with `next build`), one retry of a failed test: a real Docker engine and real
// servers under load can miss a deadline once. A test that passes only on its retry is still named as
// flaky at the end of `npm test` (scripts/list-failed-tests.mjs); a real break fails twice.
const ciRetry = process.env.CI ? 1 : 0;

// Unit tests (*.test.ts) run alone; integration tests (*.int.test.ts) share one real Postgres
// started by test/global-setup.ts (embedded, or TEST_DATABASE_URL), each file in its own database.
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**", "e2e/**/*.spec.ts", ".next/**"],
          environment: "node",
          retry: ciRetry,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          exclude: ["node_modules/**", ".next/**"],
          environment: "node",
          globalSetup: ["test/global-setup.ts", "e2e/fixtures/posthog/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          retry: ciRetry,
          pool: "forks",
        },
      },
    ],
  },
});
