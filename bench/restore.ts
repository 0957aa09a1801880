/**
 * Console restore of a Postgres database (lib/restores: preflight → plan → execute, drop and replace)
 * against a plain `docker exec -i … pg_restore … < file` with the same flags, measured in the same run
 * on the same container:
 * - the data: `pgbench -i -s <scale>` (bench/pg-dataset.ts), scale 70 ≈ 1 GiB (the issue's
 *   acceptance line); RESTORE_BENCH_SCALE or `--scale=N` for a quick run (e.g. 10);
 * - one console backup (runBackup, plain, unencrypted) is the input of every restore;
 * - the peer: the docker CLI, `docker exec -i -e PGPASSWORD … <pgRestoreCommand argv>` (the console's own
 *   argv: `--exit-on-error --clean --if-exists`, into the existing database) with stdin redirected from
 *   the backup's .pgdump file. The console's drop and replace is exactly that: its prepare step only
 *   creates the database when it is missing (it exists here), and --clean --if-exists drops each object
 *   of the dump before re-creating it; so the peer runs against the same state (the database as the
 *   previous restore left it);
 * - the console: a separate process (bench/restore-child.ts) running runRestore with a scratch "app"
 *   container as the dependent: preflight (checksums, pg_restore --list, …) → safety backup → stop the
 *   dependent → prepare → restore (the dump streamed from disk into `docker exec` through the Engine API)
 *   → verify (exact row counts) → start the dependent → wait until healthy. Its wall time is runRestore's,
 *   the steps' times come from the run row (restore_runs.steps), peak RSS and CPU are the process's;
 * - the dependents' downtime: from the stop-dependents step's start to the wait-healthy step's end;
 * - RESTORE_BENCH_ROUNDS rounds (default 3), peer and console alternating which goes first; ratios
 *   are medians of the per-round ratios (the machine is shared and its load drifts);
 * - the load average (`uptime`) at the start and the end.
 * Everything started (scratch Postgres and its volume, the dependent, the console's embedded Postgres,
 * the work directory) is removed at the end, also on failure.
 *
 * `npm run bench -- restore`; quick: `RESTORE_BENCH_SCALE=10 npm run bench -- restore` (or `-- restore --scale=10`).
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureDockerEngine } from "../e2e/fixtures/docker/ensure-engine";
import { startFixtureStack, type FixtureStack } from "../e2e/fixtures/docker/fixture-stack";
import { resolveBackupDir } from "../lib/backups/backup-paths";
import { pgRestoreCommand } from "../lib/backups/engines/postgres";
import type { BackupTarget } from "../lib/backups/engines/types";
import { runBackup } from "../lib/backups/run-backup";
import { psqlIn, startScratchPostgres, type ScratchServer } from "../lib/backups/testing/scratch-servers";
import { publishRuntimeEnv, rawEnv } from "../lib/config/env";
import { startEmbeddedPostgres } from "../lib/db/embedded-postgres";
import { migrate } from "../lib/db/migrate";
import { setLogLevel } from "../lib/log/logger";
import { gib, list, median, mib, runConsoleChild, sec } from "./bench-util";
import { pgbenchInit } from "./pg-dataset";

type Step = { key: string; status: string; startedAt: string | null; finishedAt: string | null; detail: string | null };
type ChildResult = { status: string; error: string | null; failedStep: string | null; safetyBackupId: string | null; verification: string | null; steps: Step[]; ms: number; maxRssMiB: number; cpuMs: number };

async function consoleRestore(databaseUrl: string, spec: Record<string, unknown>): Promise<ChildResult> {
  const env = { ...process.env };
  for (const k of ["BACKUP_AGE_IDENTITY", "BACKUP_AGE_IDENTITY_FILE", "BACKUP_AGE_RECIPIENTS"]) delete env[k]; // the safety backup plain, like the bench's backup
  const result = await runConsoleChild<ChildResult>(
    "bench/restore-child.ts",
    { ...env, BACKUP_DIR: spec.root as string, RESTORE_CHILD_DATABASE_URL: databaseUrl, RESTORE_CHILD_SPEC: JSON.stringify(spec) },
    "console restore",
  );
  if (result.status !== "succeeded") throw new Error(`console restore failed at ${result.failedStep}: ${result.error}`);
  return result;
}

/** The peer: the console's own pg_restore argv and environment, through the docker CLI, stdin from the file. */
async function plainRestore(target: BackupTarget, file: string): Promise<number> {
  const command = pgRestoreCommand(target, "posthog", { clean: true });
  const envFlags = Object.entries(command.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  const fd = openSync(file, "r");
  const started = performance.now();
  try {
    const child = spawn("docker", ["exec", "-i", ...envFlags, target.containerId, ...command.argv], { stdio: [fd, "ignore", "pipe"] });
    let err = "";
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    if (code !== 0) throw new Error(`docker exec pg_restore exited ${code}: ${err.slice(-2000)}`);
  } finally {
    closeSync(fd);
  }
  return performance.now() - started;
}

const uptime = () => execFileSync("uptime", { encoding: "utf8" }).trim().replace(/^.*load average:\s*/, "");
const load1 = () => uptime().split(",")[0]!.trim();
const stepMs = (steps: Step[], key: string) => {
  const s = steps.find((x) => x.key === key);
  return s?.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : NaN;
};
const downtimeMs = (steps: Step[]) => {
  const stop = steps.find((x) => x.key === "stop-dependents")?.startedAt;
  const healthy = steps.find((x) => x.key === "wait-healthy")?.finishedAt;
  return stop && healthy ? Date.parse(healthy) - Date.parse(stop) : NaN;
};

function option(name: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
}

export async function benchRestore(): Promise<string[][]> {
  setLogLevel("warn");
  const env = rawEnv();
  const scale = Number(option("scale") ?? env.RESTORE_BENCH_SCALE ?? 70);
  const rounds = Math.max(1, Number(option("rounds") ?? env.RESTORE_BENCH_ROUNDS ?? 3));
  if (!Number.isFinite(scale) || scale < 1) throw new Error("the scale (RESTORE_BENCH_SCALE / --scale=N) is a number ≥ 1");
  const uptimeStart = uptime();
  process.stderr.write(`  load average at start: ${uptimeStart}\n`);

  const work = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-restore-"));
  const root = path.join(work, "backups");
  const dbDir = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-restore-db-")); // its parent must be reachable by the postgres user
  const engine = await ensureDockerEngine();
  let consoleDb: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  let pg: ScratchServer | null = null;
  let app: FixtureStack | null = null;
  try {
    consoleDb = await startEmbeddedPostgres(dbDir);
    [pg, app] = await Promise.all([
      startScratchPostgres(engine.docker),
      // The dependent: stops at once on SIGTERM, with a healthcheck (so "healthy again" means what it says).
      startFixtureStack(engine.docker, {
        services: [{ service: "app", cmd: ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"], networkMode: "none", healthcheck: { test: ["/bin/true"], intervalMs: 500 } }],
      }),
    ]);
    await app.waitHealthy(60_000);
    await migrate(consoleDb.url);
    publishRuntimeEnv({ DATABASE_URL: consoleDb.url, NEXTAUTH_SECRET: randomBytes(32).toString("hex"), OPSDECK_EMBEDDED_DB: "1", OPSDECK_DATA_DIR: work });
    process.env.BACKUP_DIR = root;

    process.stderr.write(`  pgbench -i -s ${scale}… (load ${load1()})\n`);
    await pgbenchInit(pg.target, scale);
    await psqlIn(pg.target, "posthog", "vacuum analyze");
    await psqlIn(pg.target, "posthog", "checkpoint");
    const dbBytes = Number((await psqlIn(pg.target, "posthog", "select pg_database_size('posthog')")).trim());

    process.stderr.write(`  console backup of ${gib(dbBytes)}… (load ${load1()})\n`);
    const backup = await runBackup({ target: pg.target, requestedBy: { kind: "system", reason: "bench" }, root, encrypt: false, name: "bench" });
    if (backup.status !== "succeeded") throw new Error(`the console backup failed: ${backup.error}`);
    const dumpFile = backup.manifest.files.find((f) => f.format === "postgres-custom" && f.database === "posthog");
    if (!dumpFile || dumpFile.encrypted || dumpFile.compression !== "none") throw new Error("expected a plain posthog.pgdump in the backup");
    const dumpPath = path.join(backup.dir, dumpFile.path);
    const dumpBytes = (await stat(dumpPath)).size;

    const { docker: _docker, ...target } = pg.target;
    const appContainer = app.get("app");
    const spec = {
      target: { ...target, databases: undefined },
      socketPath: engine.socketPath,
      backupId: backup.backupId,
      root,
      dependent: { service: "app", containers: [{ id: appContainer.id, name: appContainer.name, running: true }] },
    };

    const peer: number[] = [];
    const total: number[] = [];
    const restoreStep: number[] = [];
    const safety: number[] = [];
    const verify: number[] = [];
    const down: number[] = [];
    const preflightMs: number[] = [];
    const cpu: number[] = [];
    const stepTimes: Record<string, number[]> = {};
    let peakRss = 0;
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (["peer", "console"] as const) : (["console", "peer"] as const);
      process.stderr.write(`  round ${round + 1}/${rounds}: ${order.join(", ")} (load ${load1()})…`);
      for (const c of order) {
        if (c === "peer") {
          peer.push(await plainRestore(pg.target, dumpPath));
          process.stderr.write(` peer ${sec(peer.at(-1)!)}`);
        } else {
          const r = await consoleRestore(consoleDb.url, spec);
          if (r.safetyBackupId) await rm(await resolveBackupDir(r.safetyBackupId, root), { recursive: true, force: true });
          total.push(r.ms);
          restoreStep.push(stepMs(r.steps, "restore"));
          safety.push(stepMs(r.steps, "safety-backup"));
          verify.push(stepMs(r.steps, "verify"));
          down.push(downtimeMs(r.steps));
          const first = r.steps.find((s) => s.startedAt)?.startedAt;
          const last = r.steps.at(-1)?.finishedAt;
          preflightMs.push(first && last ? r.ms - (Date.parse(last) - Date.parse(first)) : NaN); // preflight, plan, run row, report
          cpu.push(r.cpuMs);
          peakRss = Math.max(peakRss, r.maxRssMiB);
          for (const s of r.steps) (stepTimes[s.key] ??= []).push(stepMs(r.steps, s.key));
          process.stderr.write(` console ${sec(r.ms)} (${r.steps.map((s) => `${s.key} ${sec(stepMs(r.steps, s.key))}`).join(", ")}; down ${sec(down.at(-1)!)}; ${r.verification})`);
        }
      }
      process.stderr.write("\n");
    }
    const rows = Number((await psqlIn(pg.target, "posthog", "select count(*) from pgbench_accounts")).trim());
    if (rows !== scale * 100_000) throw new Error(`after the runs pgbench_accounts has ${rows} rows, expected ${scale * 100_000}`);
    const uptimeEnd = uptime();
    process.stderr.write(`  load average at end: ${uptimeEnd}\n`);

    const ratio = (xs: number[]) => {
      const per = xs.map((t, i) => t / peer[i]!);
      return `${median(per).toFixed(2)} (rounds ${per.map((r) => r.toFixed(2)).join("/")})`;
    };
    const name = `restore: Postgres ${gib(dbBytes)} (pgbench -s ${scale}), dump ${mib(dumpBytes)}`;
    const peerCell = `${sec(median(peer))} (runs ${list(peer)})`;
    return [
      [name, "console restore step alone (pg_restore --clean --if-exists, dump streamed through the Engine API)", `${sec(median(restoreStep))} (runs ${list(restoreStep)})`, peerCell, `ratio ${ratio(restoreStep)}, median of ${rounds}; target ≤ 1.15`],
      [
        name,
        "console total (preflight → safety backup → stop app → restore → verify → start app → healthy)",
        `${sec(median(total))} (runs ${list(total)}); safety backup ${sec(median(safety))}, verify ${sec(median(verify))}, preflight+claim ${sec(median(preflightMs))}; peak RSS ${peakRss.toFixed(0)} MiB; CPU ${sec(median(cpu))}`,
        peerCell,
        `ratio ${ratio(total)}, median of ${rounds}`,
      ],
      [name, "dependents down (stop-dependents start → wait-healthy end)", `${sec(median(down))} (runs ${list(down)})`, "-", `${(median(down) / median(peer)).toFixed(2)}× the peer's restore`],
      [name, "console steps (medians, from restore_runs.steps)", Object.entries(stepTimes).map(([k, xs]) => `${k} ${sec(median(xs))}`).join(", "), "-", "-"],
      ["restore: machine load (uptime: 1/5/15 min)", "start → end", `${uptimeStart} → ${uptimeEnd}`, "-", "2 shared cores"],
    ];
  } finally {
    await Promise.all([pg?.teardown().catch(() => undefined), app?.teardown().catch(() => undefined)]);
    await consoleDb?.stop().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
    await rm(dbDir, { recursive: true, force: true });
  }
}
