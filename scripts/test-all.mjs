#!/usr/bin/env node
/**
 * `npm test`: every check, sharing one production build and one fixture Docker engine per run.
 *   stage 1 (parallel): lint, typecheck, Docker engine + local base image ready
 *   stage 2 (parallel): Vitest (unit + integration on a real Postgres and Docker), next build
 *   stage 3: Playwright e2e against the production build (Debian Chromium)
 * Ends with one "Tests: N passed, N failed" line; exits non-zero if anything failed.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { isRetriedPass, listFailedTests } from "./list-failed-tests.mjs";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: process.env.CI ? "0" : "1" };
const bin = (name) => `node_modules/.bin/${name}`;
const results = [];

function run(name, cmd, args, { live = false } = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: live ? "inherit" : ["ignore", "pipe", "pipe"] });
    let out = "";
    if (!live) {
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
    }
    child.on("close", (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (!live) {
        process.stdout.write(`\n──── ${name} (${seconds}s, exit ${code}) ────\n${out}`);
      }
      results.push({ name, ok: code === 0, seconds });
      resolve(code === 0);
    });
  });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

mkdirSync(".test-reports", { recursive: true });
mkdirSync("e2e/screenshots", { recursive: true });
for (const f of [".test-reports/vitest.json", ".test-reports/e2e.json"]) rmSync(f, { force: true });
const t0 = Date.now();

await Promise.all([
  run("lint", bin("eslint"), [".", "--max-warnings=0"]),
  run("typecheck", bin("tsc"), ["--noEmit"]),
  run("docker engine", bin("tsx"), ["scripts/ensure-docker-engine.ts"]),
]);

const [, built] = await Promise.all([
  run("vitest (unit + integration)", bin("vitest"), ["run", "--reporter=default", "--reporter=json", "--outputFile=.test-reports/vitest.json"]),
  run("next build", bin("next"), ["build"]),
]);

if (built) await run("playwright e2e", bin("playwright"), ["test"], { live: true });
else results.push({ name: "playwright e2e", ok: false, seconds: "0 (no build)" });

const vitest = readJson(".test-reports/vitest.json");
const e2e = readJson(".test-reports/e2e.json");
const passed = (vitest?.numPassedTests ?? 0) + (e2e?.stats?.expected ?? 0) + (e2e?.stats?.flaky ?? 0);
const failed =
  (vitest ? vitest.numFailedTests : 1) + (e2e ? (e2e.stats?.unexpected ?? 0) : built ? 1 : 0);
const flaky = (e2e?.stats?.flaky ?? 0) + (vitest?.testResults ?? []).flatMap((f) => f.assertionResults ?? []).filter(isRetriedPass).length;
const skipped = (vitest?.numPendingTests ?? 0) + (vitest?.numTodoTests ?? 0) + (e2e?.stats?.skipped ?? 0);

const failures = listFailedTests(vitest, e2e);
if (failures.length) console.log(`\n──── failed and flaky tests ────\n${failures.join("\n")}`);
console.log("\n──── summary ────");
for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"}  ${r.name.padEnd(30)} ${r.seconds}s`);
console.log(`total ${((Date.now() - t0) / 1000).toFixed(0)}s`);
const allOk = results.every((r) => r.ok) && failed === 0;
console.log(`Tests: ${passed} passed (${flaky} of them only on a retry), ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
if (!existsSync(".next/BUILD_ID")) console.log("(no production build was made)");
process.exit(allOk ? 0 : 1);
