/**
 * Console restore of a volume (lib/restores, drop and replace) against a plain `docker cp - <id>:<parent>`
 * of the same tar, measured in the same run on the same container:
 * - the data: VOLUME_BENCH_MIB (default 256) MiB of random bytes in 64 files plus 2,000 small ones, in a
 *   named volume of a busybox container (random: neither side gains from compression);
 * - one console backup (runBackup, unencrypted; the tar is zstd-compressed like every volume backup);
 *   the peer gets that tar decompressed to a file first (its time is not counted);
 * - each round empties the path first for the peer (`rm -rf` in the container; not counted), the console
 *   empties it itself (its prepare step, counted);
 * - the console: runRestore in this process (preflight → safety backup → empty the path → restore →
 *   verify every entry), wall time and the restore step alone (from the run's steps);
 * - VOLUME_BENCH_ROUNDS rounds (default 3), which side goes first alternating; medians.
 * Everything started is removed at the end, also on failure.
 *
 * `npm run bench -- volume-restore`; quick: `VOLUME_BENCH_MIB=32 npm run bench -- volume-restore`.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { ensureDockerEngine } from "../e2e/fixtures/docker/ensure-engine";
import { resolveBackupDir } from "../lib/backups/backup-paths";
import { execText } from "../lib/backups/engines/command";
import type { BackupTarget } from "../lib/backups/engines/types";
import { openBackupPlaintext } from "../lib/backups/read-backup-file";
import { runBackup } from "../lib/backups/run-backup";
import { startScratchVolume, type ScratchServer } from "../lib/backups/testing/scratch-servers";
import { publishRuntimeEnv, rawEnv } from "../lib/config/env";
import { startEmbeddedPostgres } from "../lib/db/embedded-postgres";
import { migrate } from "../lib/db/migrate";
import { setLogLevel } from "../lib/log/logger";
import { runRestore } from "../lib/restores/execute-restore";
import { list, median, mib, sec } from "./bench-util";

const sh = (target: BackupTarget, script: string) => execText(target, { kind: "exec", argv: ["/bin/sh", "-c", script], env: {}, secretEnv: [] }, { timeoutMs: 30 * 60_000 });

async function dockerCp(containerId: string, tarFile: string, parent: string): Promise<number> {
  const started = performance.now();
  const child = spawn("docker", ["cp", "-", `${containerId}:${parent}`], { stdio: ["pipe", "ignore", "pipe"] });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const { createReadStream } = await import("node:fs");
  await pipeline(createReadStream(tarFile), child.stdin);
  const code = await exited;
  if (code !== 0) throw new Error(`docker cp exited ${code}: ${err.slice(-1000)}`);
  return performance.now() - started;
}

export async function benchVolumeRestore(): Promise<string[][]> {
  setLogLevel("warn");
  const env = rawEnv();
  const totalMib = Math.max(1, Number(env.VOLUME_BENCH_MIB ?? 256));
  const rounds = Math.max(1, Number(env.VOLUME_BENCH_ROUNDS ?? 3));
  const work = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-volume-"));
  const root = path.join(work, "backups");
  const dbDir = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-volume-db-"));
  const engine = await ensureDockerEngine();
  let consoleDb: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  let vol: ScratchServer | null = null;
  try {
    consoleDb = await startEmbeddedPostgres(dbDir);
    vol = await startScratchVolume(engine.docker, "/data/uploads");
    await migrate(consoleDb.url);
    publishRuntimeEnv({ DATABASE_URL: consoleDb.url, NEXTAUTH_SECRET: randomBytes(32).toString("hex"), OPSDECK_EMBEDDED_DB: "1", OPSDECK_DATA_DIR: work });
    process.env.BACKUP_DIR = root;
    const target = vol.target;
    const perFile = Math.max(1, Math.floor(totalMib / 64));
    process.stderr.write(`  writing ${64 * perFile} MiB in 64 files + 2000 small ones…\n`);
    await sh(target, `mkdir -p /data/uploads/big /data/uploads/small && i=0; while [ $i -lt 64 ]; do head -c ${perFile * 1024 * 1024} /dev/urandom > /data/uploads/big/f$i.bin; i=$((i+1)); done`);
    await sh(target, `i=0; while [ $i -lt 2000 ]; do echo "thumbnail $i" > /data/uploads/small/t$i.txt; i=$((i+1)); done`);

    const backup = await runBackup({ target, requestedBy: { kind: "system", reason: "bench" }, root, encrypt: false, name: "bench" });
    if (backup.status !== "succeeded") throw new Error(`the console backup failed: ${backup.error}`);
    const tarFile = backup.manifest.files.find((f) => f.format === "tar")!;
    const plainTar = path.join(work, "volume.tar");
    await pipeline(await openBackupPlaintext(backup.backupId, tarFile, { root }), createWriteStream(plainTar));
    const tarBytes = (await stat(plainTar)).size;

    const peer: number[] = [];
    const total: number[] = [];
    const step: number[] = [];
    const emptyStep: number[] = [];
    const verify: number[] = [];
    const stepMs = (steps: Array<{ key: string; startedAt: string | null; finishedAt: string | null }>, key: string) => {
      const s = steps.find((x) => x.key === key);
      return s?.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : NaN;
    };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (["peer", "console"] as const) : (["console", "peer"] as const);
      process.stderr.write(`  round ${round + 1}/${rounds}:`);
      for (const side of order) {
        if (side === "peer") {
          await sh(target, "rm -rf /data/uploads/*");
          peer.push(await dockerCp(target.containerId, plainTar, "/data"));
          process.stderr.write(` docker cp ${sec(peer.at(-1)!)}`);
        } else {
          const started = performance.now();
          const outcome = await runRestore({ kind: "restore", restoreTarget: { target, dependents: [] }, backupId: backup.backupId, root, choices: { dropAndReplace: true }, reason: "bench", requestedBy: { userId: null, email: "bench@example.com" } });
          total.push(performance.now() - started);
          if (outcome.status !== "succeeded") throw new Error(`the console restore failed: ${outcome.error}`);
          if (outcome.safetyBackupId) await rm(await resolveBackupDir(outcome.safetyBackupId, root), { recursive: true, force: true });
          const { getRestoreRun } = await import("../lib/restores/restore-runs");
          const run = (await getRestoreRun(outcome.runId))!;
          step.push(stepMs(run.steps, "restore"));
          emptyStep.push(stepMs(run.steps, "prepare"));
          verify.push(stepMs(run.steps, "verify"));
          process.stderr.write(` console ${sec(total.at(-1)!)} (restore step ${sec(step.at(-1)!)}; ${outcome.verification?.summary})`);
        }
      }
      process.stderr.write("\n");
    }
    const name = `volume restore: ${mib(tarBytes)} tar (64 random files + 2000 small)`;
    const peerCell = `${sec(median(peer))} (runs ${list(peer)})`;
    const ratio = (xs: number[]) => `${(median(xs.map((t, i) => t / peer[i]!))).toFixed(2)}×`;
    return [
      [name, "console restore step alone (tar decompressed and streamed into PUT /archive)", `${sec(median(step))} (runs ${list(step)})`, peerCell, ratio(step)],
      [name, "console total (preflight → safety backup → empty the path → restore → verify every entry)", `${sec(median(total))} (runs ${list(total)}); empty ${sec(median(emptyStep))}, verify ${sec(median(verify))}`, peerCell, ratio(total)],
    ];
  } finally {
    await vol?.teardown().catch(() => undefined);
    await consoleDb?.stop().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
    await rm(dbDir, { recursive: true, force: true });
  }
}
