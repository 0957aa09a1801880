/**
 * Child process of bench/restore.ts: one console restore (lib/restores runRestore, drop and replace,
 * with its safety backup and the dependents stopped and started), so the parent can read this
 * process's own wall time, peak RSS and CPU. Prints one JSON line: the outcome and the run row's steps.
 */
import Docker from "dockerode";
import { publishRuntimeEnv, rawEnv } from "../lib/config/env";
import { closePool } from "../lib/db/pool";
import { setLogLevel } from "../lib/log/logger";
import type { BackupTarget } from "../lib/backups/engines/types";
import { runRestore } from "../lib/restores/execute-restore";
import { getRestoreRun } from "../lib/restores/restore-runs";

setLogLevel("warn");
const env = rawEnv();
const spec = JSON.parse(env.RESTORE_CHILD_SPEC ?? "{}") as {
  target: Omit<BackupTarget, "docker">;
  socketPath: string;
  backupId: string;
  root: string;
  dependent: { service: string; containers: Array<{ id: string; name: string; running: boolean }> };
};
publishRuntimeEnv({ DATABASE_URL: env.RESTORE_CHILD_DATABASE_URL!, NEXTAUTH_SECRET: "child-secret-".padEnd(48, "x"), OPSDECK_EMBEDDED_DB: "0", OPSDECK_DATA_DIR: "/tmp" });
const docker = new Docker({ socketPath: spec.socketPath });
const target: BackupTarget = { ...spec.target, docker };
const started = performance.now();
const outcome = await runRestore({
  kind: "restore",
  restoreTarget: { target, dependents: [{ service: spec.dependent.service, docker, containers: spec.dependent.containers }] },
  backupId: spec.backupId,
  root: spec.root,
  choices: { dropAndReplace: true },
  reason: "bench",
  requestedBy: { userId: null, email: "bench@example.com" },
});
const ms = performance.now() - started;
const run = await getRestoreRun(outcome.runId);
process.stdout.write(
  `${JSON.stringify({
    status: outcome.status,
    error: outcome.error,
    failedStep: outcome.failedStep,
    safetyBackupId: outcome.safetyBackupId,
    verification: outcome.verification?.summary ?? null,
    steps: (run?.steps ?? []).map((s) => ({ key: s.key, status: s.status, startedAt: s.startedAt, finishedAt: s.finishedAt, detail: s.detail })),
    ms,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  })}\n`,
);
await closePool();
process.exit(0);
