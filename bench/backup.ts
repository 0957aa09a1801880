/**
 * Console backup of a ~1 GiB Postgres vs a plain `docker exec … pg_dump -Fc > file`, in the same run
 * on the same container:
 * - the data: `events_blob`, rows of four md5 hashes (incompressible enough that pg_dump -Fc has real
 *   work: pgbench's blank filler dumps to almost nothing), BACKUP_BENCH_ROWS rows (default 6,000,000 ≈ 1 GiB);
 * - the console: a separate process (lib/backups/testing/backup-child.ts) running runBackup — stream
 *   out of the container, sha256, fsync, manifest, progress rows in its own Postgres — without and
 *   with age encryption; its wall time is runBackup's, its peak RSS the process's;
 * - the peer: the docker CLI, stdout redirected to a file;
 * - three rounds, the order of the cases rotated each round; the ratio is the median of the per-round
 *   ratios (the machine is shared: the same dump varies from 10 to 30 s between minutes);
 * - memory flat as the database grows: the console's peak RSS at a third of the rows and at all of them.
 * `npm run bench -- backup`.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateX25519Identity } from "age-encryption";
import { ensureDockerEngine } from "../e2e/fixtures/docker/ensure-engine";
import { publishRuntimeEnv, rawEnv } from "../lib/config/env";
import { startEmbeddedPostgres } from "../lib/db/embedded-postgres";
import { migrate } from "../lib/db/migrate";
import { setLogLevel } from "../lib/log/logger";
import { psqlIn, startScratchPostgres } from "../lib/backups/testing/scratch-servers";

type ChildResult = { status: string; ms: number; bytes: number; maxRssMiB: number; error: string | null };

async function consoleBackup(databaseUrl: string, backupDir: string, target: Record<string, unknown>, env: Record<string, string>): Promise<ChildResult> {
  const child = spawn(process.execPath, ["--import", "tsx", "lib/backups/testing/backup-child.ts"], {
    env: { ...process.env, ...env, BACKUP_DIR: backupDir, BACKUP_CHILD_DATABASE_URL: databaseUrl, BACKUP_CHILD_TARGET: JSON.stringify(target) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`console backup child exited ${code}: ${err.slice(-2000)}`);
  const result = JSON.parse(out.trim().split("\n").at(-1)!) as ChildResult;
  if (result.status !== "succeeded") throw new Error(`console backup failed: ${result.error}`);
  return result;
}

async function plainDump(containerId: string, port: number, password: string, file: string): Promise<{ ms: number; bytes: number }> {
  const fd = openSync(file, "w");
  const started = performance.now();
  try {
    const child = spawn(
      "docker",
      ["exec", "-e", `PGPASSWORD=${password}`, containerId, "/usr/lib/postgresql/15/bin/pg_dump", "-h", "127.0.0.1", "-p", String(port), "-U", "posthog", "-w", "-Fc", "--dbname=posthog"],
      { stdio: ["ignore", fd, "pipe"] },
    );
    let err = "";
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    if (code !== 0) throw new Error(`docker exec pg_dump exited ${code}: ${err}`);
  } finally {
    closeSync(fd);
  }
  return { ms: performance.now() - started, bytes: (await stat(file)).size };
}

export async function benchBackup(): Promise<string[][]> {
  setLogLevel("warn");
  const rows = Number(rawEnv().BACKUP_BENCH_ROWS ?? 6_000_000);
  const work = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-backup-"));
  const engine = await ensureDockerEngine();
  const dbDir = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-backup-db-")); // its parent must be reachable by the postgres user
  const consoleDb = await startEmbeddedPostgres(dbDir);
  const pg = await startScratchPostgres(engine.docker);
  try {
    await migrate(consoleDb.url);
    publishRuntimeEnv({ DATABASE_URL: consoleDb.url, NEXTAUTH_SECRET: randomBytes(32).toString("hex"), OPSDECK_EMBEDDED_DB: "1", OPSDECK_DATA_DIR: work });
    const { docker: _docker, ...target } = pg.target;
    const childTarget = { ...target, databases: ["posthog"], socketPath: engine.socketPath };
    const identity = await generateX25519Identity();
    const fill = (from: number, to: number) =>
      psqlIn(pg.target, "posthog", `insert into events_blob select g, md5(random()::text)||md5(random()::text)||md5(random()::text)||md5(random()::text) from generate_series(${from}, ${to}) g`);

    process.stderr.write(`  filling events_blob with ${rows.toLocaleString("en")} rows…\n`);
    await psqlIn(pg.target, "posthog", "create table events_blob (id bigint, payload text)");
    const third = Math.floor(rows / 3);
    await fill(1, third);
    const small = await consoleBackup(consoleDb.url, path.join(work, "backups-small"), childTarget, {});
    await fill(third + 1, rows);
    await psqlIn(pg.target, "posthog", "checkpoint; analyze events_blob");
    const dbBytes = Number((await psqlIn(pg.target, "posthog", "select pg_database_size('posthog')")).trim());

    // Rounds rotate the order of the three cases; each round gives a console/peer ratio measured minutes
    // apart at most, and the median of those ratios is reported (the load of a shared machine drifts).
    type Case = "plain" | "console" | "encrypted";
    const orders: Case[][] = [["plain", "console", "encrypted"], ["encrypted", "plain", "console"], ["console", "encrypted", "plain"]];
    const times: Record<Case, number[]> = { plain: [], console: [], encrypted: [] };
    let rss = { console: 0, encrypted: 0 };
    let bytes = { plain: 0, console: 0, encrypted: 0 };
    for (const [round, order] of orders.entries()) {
      process.stderr.write(`  round ${round + 1}: ${order.join(", ")}…\n`);
      for (const c of order) {
        if (c === "plain") {
          const p = await plainDump(pg.target.containerId, pg.port, pg.password, path.join(work, "plain.pgdump"));
          await rm(path.join(work, "plain.pgdump"));
          times.plain.push(p.ms);
          bytes.plain = p.bytes;
        } else {
          const dir = path.join(work, `backups-${c}-${round}`);
          const r = await consoleBackup(consoleDb.url, dir, childTarget, c === "encrypted" ? { BACKUP_AGE_IDENTITY: identity } : {});
          await rm(dir, { recursive: true, force: true });
          times[c].push(r.ms);
          rss = { ...rss, [c]: Math.max(rss[c], r.maxRssMiB) };
          bytes = { ...bytes, [c]: r.bytes };
        }
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = (c: "console" | "encrypted") => median(times[c].map((t, i) => t / times.plain[i]!));
    const list = (xs: number[]) => xs.map((ms) => (ms / 1000).toFixed(0)).join("/");
    const gib = (n: number) => `${(n / 1024 ** 3).toFixed(2)} GiB`;
    const mib = (n: number) => `${(n / 1024 ** 2).toFixed(0)} MiB`;
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const name = `backup: Postgres ${gib(dbBytes)}, ${rows.toLocaleString("en")} rows`;
    return [
      [name, `sha256, no encryption (${mib(bytes.console)}); runs ${list(times.console)} s`, s(median(times.console)), `${s(median(times.plain))} (${mib(bytes.plain)}; runs ${list(times.plain)} s)`, `ratio ${ratio("console").toFixed(2)} (median of rounds)`],
      [name, `sha256 + age encryption (${mib(bytes.encrypted)}); runs ${list(times.encrypted)} s`, s(median(times.encrypted)), s(median(times.plain)), `ratio ${ratio("encrypted").toFixed(2)} (median of rounds)`],
      [name, "console peak RSS (whole process)", `${rss.console.toFixed(0)} / ${rss.encrypted.toFixed(0)} MiB (plain / age)`, "-", "-"],
      [
        "backup: console peak RSS as the database grows",
        `${third.toLocaleString("en")} → ${rows.toLocaleString("en")} rows`,
        `${small.maxRssMiB.toFixed(0)} → ${rss.console.toFixed(0)} MiB`,
        "-",
        `${(rss.console - small.maxRssMiB >= 0 ? "+" : "")}${(rss.console - small.maxRssMiB).toFixed(0)} MiB for 3× the data`,
      ],
    ];
  } finally {
    await pg.teardown().catch(() => undefined);
    await consoleDb.stop().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
    await rm(dbDir, { recursive: true, force: true });
  }
}
