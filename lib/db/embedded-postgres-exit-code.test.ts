import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Loading the embedded-Postgres module must not turn a failing exit into success: its exit hook
// called process.exit(0) on `beforeExit`, so `vitest run` with failing tests exited 0.
describe("embedded Postgres module and the process exit code", () => {
  it("keeps a non-zero exit code set by the host process", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const script = `import(${JSON.stringify(path.join(root, "lib/db/embedded-postgres.ts"))}).then(() => { process.exitCode = 3; });`;
    const run = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["--eval", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(3);
  });

  it("still exits 0 when nothing failed", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const script = `import(${JSON.stringify(path.join(root, "lib/db/embedded-postgres.ts"))}).then(() => {});`;
    const run = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["--eval", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(run.status).toBe(0);
  });
});
