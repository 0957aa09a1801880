/**
 * A console process doing one backup, for the crash test (and the benchmark's peak-RSS measurement):
 * reads the target from BACKUP_CHILD_TARGET (JSON), the console database from BACKUP_CHILD_DATABASE_URL,
 * runs the backup and prints one JSON line with the outcome. The crash test SIGKILLs it midway.
 */
import Docker from "dockerode";
import { publishRuntimeEnv, rawEnv } from "../../config/env";
import { closePool } from "../../db/pool";
import { setLogLevel } from "../../log/logger";
import type { BackupTarget } from "../engines/types";
import { runBackup } from "../run-backup";

setLogLevel("warn");
const env = rawEnv();
const spec = JSON.parse(env.BACKUP_CHILD_TARGET ?? "{}") as Omit<BackupTarget, "docker"> & { socketPath: string; encrypt?: boolean };
publishRuntimeEnv({ DATABASE_URL: env.BACKUP_CHILD_DATABASE_URL!, NEXTAUTH_SECRET: "child-secret-".padEnd(48, "x"), OPSDECK_EMBEDDED_DB: "0", OPSDECK_DATA_DIR: "/tmp" });
const { socketPath, encrypt, ...rest } = spec;
const target: BackupTarget = { ...rest, docker: new Docker({ socketPath }) };
const started = performance.now();
const outcome = await runBackup({ target, requestedBy: { kind: "system", reason: "test child" }, encrypt });
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({
    status: outcome.status,
    backupId: outcome.backupId,
    error: outcome.status === "failed" ? outcome.error : null,
    ms,
    bytes: outcome.status === "succeeded" ? outcome.manifest.totals.bytes : null,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  })}\n`,
);
await closePool();
