/**
 * Console backup of a Postgres database against a plain `docker exec … pg_dump -Fc > file`, measured
 * in the same run on the same container, at two database sizes:
 * - the data (BACKUP_BENCH_DATA):
 *   - `pgbench` (default, the acceptance line): `pgbench -i -s <scale>`, scale 70 ≈ 1 GiB, and a
 *     third of it for the small size (BACKUP_BENCH_SCALE, BACKUP_BENCH_SMALL_SCALE). pgbench's blank
 *     filler compresses ~25:1, so the dump is small and pg_dump's own compression dominates;
 *   - `blob`: `events_blob`, rows of four md5 hashes (compresses ~2:1, so ~0.5 GiB of dump goes through
 *     the console: the harder case for the console's stream), BACKUP_BENCH_ROWS rows (default
 *     6,000,000 ≈ 1 GiB) and a third of them for the small size;
 * - the console: a separate process (lib/backups/testing/backup-child.ts) running runBackup — describe,
 *   stream out of the container, sha256, fsync, manifest, progress rows in its own Postgres — without
 *   and with age encryption; its wall time is runBackup's, its peak RSS and CPU the process's;
 * - the peer: the docker CLI, `docker exec … pg_dump -Fc` with stdout redirected to a file;
 * - BACKUP_BENCH_ROUNDS rounds (default 3) per size, the order of the three cases rotated each round
 *   (peer, console, age / age, peer, console / …); the ratio is the median of the per-round ratios (the
 *   machine is shared and its load drifts: a round compares runs made within a minute of each other);
 * - memory flat as the database grows: the console's peak RSS at both sizes.
 * The scratch Postgres container and its volume are removed at the end (also on failure).
 *
 * `npm run bench -- backup`; quick: `BACKUP_BENCH_SCALE=9 BACKUP_BENCH_ROUNDS=1 npm run bench -- backup`.
 */
import { gib, list, median, mib, runConsoleChild, sec } from "./bench-util";
import { pgbenchInit } from "./pg-dataset";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { generateX25519Identity } from "age-encryption";
import { ensureDockerEngine } from "../e2e/fixtures/docker/ensure-engine";
import { publishRuntimeEnv, rawEnv } from "../lib/config/env";
import { startEmbeddedPostgres } from "../lib/db/embedded-postgres";
import { migrate } from "../lib/db/migrate";
import { setLogLevel } from "../lib/log/logger";
import type { BackupTarget } from "../lib/backups/engines/types";
import { psqlIn, startScratchPostgres } from "../lib/backups/testing/scratch-servers";

type ChildResult = { status: string; ms: number; bytes: number; maxRssMiB: number; cpuMs: number; error: string | null };

async function consoleBackup(databaseUrl: string, backupDir: string, target: Record<string, unknown>, env: Record<string, string>): Promise<ChildResult> {
  const result = await runConsoleChild<ChildResult>(
    "lib/backups/testing/backup-child.ts",
    { ...process.env, ...env, BACKUP_DIR: backupDir, BACKUP_CHILD_DATABASE_URL: databaseUrl, BACKUP_CHILD_TARGET: JSON.stringify(target) },
    "console backup",
  );
  if (result.status !== "succeeded") throw new Error(`console backup failed: ${result.error}`);
  return result;
}

async function plainDump(target: BackupTarget, file: string): Promise<{ ms: number; bytes: number }> {
  const fd = openSync(file, "w");
  const started = performance.now();
  try {
    const child = spawn(
      "docker",
      ["exec", "-e", `PGPASSWORD=${target.password}`, target.containerId, `${target.binDir}/pg_dump`, "-h", "127.0.0.1", "-p", String(target.port), "-U", "posthog", "-w", "-Fc", "--dbname=posthog"],
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


type Case = "peer" | "console" | "encrypted";
const ROTATIONS: Case[][] = [
  ["peer", "console", "encrypted"],
  ["encrypted", "peer", "console"],
  ["console", "encrypted", "peer"],
];

const load = () => loadavg()[0]!.toFixed(1);

export async function benchBackup(): Promise<string[][]> {
  setLogLevel("warn");
  const env = rawEnv();
  const data = (env.BACKUP_BENCH_DATA ?? "pgbench") as "pgbench" | "blob";
  if (data !== "pgbench" && data !== "blob") throw new Error("BACKUP_BENCH_DATA is pgbench or blob");
  const rounds = Math.max(1, Number(env.BACKUP_BENCH_ROUNDS ?? 3));
  const scale = Number(env.BACKUP_BENCH_SCALE ?? 70);
  const smallScale = Number(env.BACKUP_BENCH_SMALL_SCALE ?? Math.max(1, Math.round(scale / 3)));
  const rows = Number(env.BACKUP_BENCH_ROWS ?? 6_000_000);
  const sizes = data === "pgbench" ? [smallScale, scale] : [Math.floor(rows / 3), rows];

  const work = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-backup-"));
  const engine = await ensureDockerEngine();
  const dbDir = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-backup-db-")); // its parent must be reachable by the postgres user
  const consoleDb = await startEmbeddedPostgres(dbDir);
  const pg = await startScratchPostgres(engine.docker);
  const out: string[][] = [];
  try {
    await migrate(consoleDb.url);
    publishRuntimeEnv({ DATABASE_URL: consoleDb.url, NEXTAUTH_SECRET: randomBytes(32).toString("hex"), OPSDECK_EMBEDDED_DB: "1", OPSDECK_DATA_DIR: work });
    const { docker: _docker, ...target } = pg.target;
    const childTarget = { ...target, databases: ["posthog"], socketPath: engine.socketPath };
    const identity = await generateX25519Identity();
    if (data === "blob") await psqlIn(pg.target, "posthog", "create table events_blob (id bigint, payload text)");
    let filled = 0;
    const rss: Record<"console" | "encrypted", number[]> = { console: [], encrypted: [] };

    for (const size of sizes) {
      if (data === "pgbench") {
        process.stderr.write(`  pgbench -i -s ${size}… (load ${load()})\n`);
        await pgbenchInit(pg.target, size);
      } else {
        process.stderr.write(`  filling events_blob to ${size.toLocaleString("en")} rows… (load ${load()})\n`);
        await psqlIn(
          pg.target,
          "posthog",
          `insert into events_blob select g, md5(random()::text)||md5(random()::text)||md5(random()::text)||md5(random()::text) from generate_series(${filled + 1}, ${size}) g`,
        );
        filled = size;
      }
      await psqlIn(pg.target, "posthog", "vacuum analyze");
      await psqlIn(pg.target, "posthog", "checkpoint");
      const dbBytes = Number((await psqlIn(pg.target, "posthog", "select pg_database_size('posthog')")).trim());
      const loadBefore = load();

      const times: Record<Case, number[]> = { peer: [], console: [], encrypted: [] };
      const cpu: Record<"console" | "encrypted", number[]> = { console: [], encrypted: [] };
      const peakRss = { console: 0, encrypted: 0 };
      const bytes = { peer: 0, console: 0, encrypted: 0 };
      for (let round = 0; round < rounds; round++) {
        const order = ROTATIONS[round % ROTATIONS.length]!;
        process.stderr.write(`  ${gib(dbBytes)} round ${round + 1}/${rounds}: ${order.join(", ")} (load ${load()})…`);
        for (const c of order) {
          if (c === "peer") {
            const p = await plainDump(pg.target, path.join(work, "plain.pgdump"));
            await rm(path.join(work, "plain.pgdump"));
            times.peer.push(p.ms);
            bytes.peer = p.bytes;
          } else {
            const dir = path.join(work, `backups-${c}-${size}-${round}`);
            const r = await consoleBackup(consoleDb.url, dir, childTarget, c === "encrypted" ? { BACKUP_AGE_IDENTITY: identity } : {});
            await rm(dir, { recursive: true, force: true });
            times[c].push(r.ms);
            cpu[c].push(r.cpuMs);
            peakRss[c] = Math.max(peakRss[c], r.maxRssMiB);
            bytes[c] = r.bytes;
          }
          process.stderr.write(` ${c} ${sec(times[c].at(-1)!)}`);
        }
        process.stderr.write("\n");
      }
      const loadAfter = load();
      rss.console.push(peakRss.console);
      rss.encrypted.push(peakRss.encrypted);
      const ratio = (c: "console" | "encrypted") => median(times[c].map((t, i) => t / times.peer[i]!));
      const what = data === "pgbench" ? `pgbench -s ${size}` : `${size.toLocaleString("en")} md5 rows`;
      const name = `backup: Postgres ${gib(dbBytes)} (${what}), dump ${mib(bytes.peer)}, load ${loadBefore}→${loadAfter}`;
      const peerCell = `${sec(median(times.peer))} (runs ${list(times.peer)})`;
      for (const c of ["console", "encrypted"] as const) {
        out.push([
          name,
          c === "console" ? "sha256, no encryption" : `sha256 + age (${mib(bytes.encrypted)})`,
          `${sec(median(times[c]))} (runs ${list(times[c])}); peak RSS ${peakRss[c].toFixed(0)} MiB; CPU ${sec(median(cpu[c]))}`,
          peerCell,
          `ratio ${ratio(c).toFixed(2)} (median of ${rounds} rounds)`,
        ]);
      }
    }
    const labels = data === "pgbench" ? sizes.map((s) => `-s ${s}`) : sizes.map((s) => `${(s / 1e6).toFixed(1)}M rows`);
    out.push([
      "backup: console peak RSS as the database grows",
      `${labels.join(" → ")}`,
      `plain ${rss.console.map((m) => m.toFixed(0)).join(" → ")} MiB; age ${rss.encrypted.map((m) => m.toFixed(0)).join(" → ")} MiB`,
      "-",
      `${(rss.console.at(-1)! - rss.console[0]! >= 0 ? "+" : "")}${(rss.console.at(-1)! - rss.console[0]!).toFixed(0)} / ${(rss.encrypted.at(-1)! - rss.encrypted[0]! >= 0 ? "+" : "")}${(rss.encrypted.at(-1)! - rss.encrypted[0]!).toFixed(0)} MiB (plain / age) for ${(sizes.at(-1)! / sizes[0]!).toFixed(1)}× the data`,
    ]);
    return out;
  } finally {
    await pg.teardown().catch(() => undefined);
    await consoleDb.stop().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
    await rm(dbDir, { recursive: true, force: true });
  }
}
