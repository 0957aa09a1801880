/**
 * Cold start to healthy: the console's first start (initdb + migrations + Next.js) and second start
 * (reused data), against the peer measured in the same run: the embedded Postgres alone
 * (initdb + start, then start) — the floor the console cannot go below.
 * Needs a production build (`npm run build`).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freeLoopbackPort, startEmbeddedPostgres } from "../lib/db/embedded-postgres";
import { setLogLevel } from "../lib/log/logger";

async function consoleToHealthy(dataDir: string): Promise<number> {
  const port = await freeLoopbackPort();
  const started = performance.now();
  const child = spawn(path.resolve("node_modules/.bin/tsx"), ["server.ts"], {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), OPSDECK_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: "" },
    stdio: "ignore",
  });
  try {
    for (;;) {
      if (performance.now() - started > 120_000) throw new Error("console did not become healthy in 120 s");
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
}

async function postgresAlone(dataDir: string): Promise<number> {
  const started = performance.now();
  const db = await startEmbeddedPostgres(dataDir);
  const ms = performance.now() - started;
  await db.stop();
  return ms;
}

export async function benchColdStart(): Promise<string[][]> {
  setLogLevel("warn");
  const a = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-console-"));
  const b = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-pg-"));
  try {
    const consoleFirst = await consoleToHealthy(a);
    const consoleSecond = await consoleToHealthy(a);
    const pgFirst = await postgresAlone(b);
    const pgSecond = await postgresAlone(b);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    return [
      ["cold start → /api/health 200", "first start (empty data dir)", s(consoleFirst), s(pgFirst), `${(consoleFirst - pgFirst).toFixed(0)} ms`],
      ["cold start → /api/health 200", "second start (data reused)", s(consoleSecond), s(pgSecond), `${(consoleSecond - pgSecond).toFixed(0)} ms`],
    ];
  } finally {
    await rm(a, { recursive: true, force: true });
    await rm(b, { recursive: true, force: true });
  }
}
