/**
 * The remote copy of each new backup, to REMOTE_TARGET (the runbook's variable):
 *   /mnt/nas/backups               another local directory
 *   user@host:/srv/backups         rsync over SSH (BACKUP_SSH_KEY_FILE, BACKUP_SSH_PORT, BACKUP_SSH_KNOWN_HOSTS)
 *   s3://bucket/prefix             S3-compatible (BACKUP_S3_ENDPOINT, _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY)
 * Each copy is a backup_copies row (running → succeeded/failed, verified by sha256); a failed copy
 * leaves the backup itself succeeded, shows on the history page and calls the notification hook.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { backupEnv, type BackupEnv } from "../../config/env";
import { pool } from "../../db/pool";
import { log } from "../../log/logger";
import type { BackupRunRow } from "../backup-runs";
import type { Manifest } from "../manifest";
import { notifyBackupProblem } from "../notify-failure";
import { LocalStore } from "./local";
import { RsyncStore } from "./rsync";
import { S3Store } from "./s3";
import type { RemoteStore } from "./types";

/** The store REMOTE_TARGET names, or null when it is unset. */
export function storeFromEnv(env: BackupEnv = backupEnv()): RemoteStore | null {
  const target = env.REMOTE_TARGET?.trim();
  if (!target) return null;
  if (target.startsWith("s3://")) {
    const url = new URL(target);
    return new S3Store({
      bucket: url.hostname,
      prefix: url.pathname.replace(/^\/+/, ""),
      endpoint: env.BACKUP_S3_ENDPOINT,
      region: env.BACKUP_S3_REGION,
      forcePathStyle: env.BACKUP_S3_FORCE_PATH_STYLE === "1",
      credentials: env.BACKUP_S3_ACCESS_KEY_ID && env.BACKUP_S3_SECRET_ACCESS_KEY ? { accessKeyId: env.BACKUP_S3_ACCESS_KEY_ID, secretAccessKey: env.BACKUP_S3_SECRET_ACCESS_KEY } : undefined,
    });
  }
  const ssh = /^(?:ssh:\/\/)?([^@/:\s]+)@([^:/\s]+)(?::(\d+))?:(\/.*)$/.exec(target);
  if (ssh) {
    return new RsyncStore({ user: ssh[1]!, host: ssh[2]!, port: ssh[3] ? Number(ssh[3]) : env.BACKUP_SSH_PORT, path: ssh[4]!, keyFile: env.BACKUP_SSH_KEY_FILE, knownHostsFile: env.BACKUP_SSH_KNOWN_HOSTS });
  }
  if (path.isAbsolute(target)) return new LocalStore(target);
  throw new Error("REMOTE_TARGET must be an absolute path, user@host:/path (rsync over SSH) or s3://bucket/prefix");
}

export type CopyOutcome = { id: string; store: string; target: string; status: "succeeded" | "failed"; bytes: number | null; error: string | null };

/** Copies a finished backup to `store` and records the copy. Never throws for a failed copy. */
export async function copyBackupToStore(run: Pick<BackupRunRow, "id" | "backupId" | "stack" | "service">, dir: string, manifest: Manifest, store: RemoteStore): Promise<CopyOutcome> {
  const id = randomUUID();
  await pool().query(
    `insert into backup_copies (id, run_id, backup_id, store, target, status, started_at) values ($1, $2, $3, $4, $5, 'running', now())`,
    [id, run.id, run.backupId, store.kind, store.describe()],
  );
  try {
    const result = await store.upload(run.backupId, dir, manifest);
    await pool().query(`update backup_copies set status = 'succeeded', bytes = $2, verified = true, finished_at = now() where id = $1`, [id, result.bytes]);
    return { id, store: store.kind, target: store.describe(), status: "succeeded", bytes: result.bytes, error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await pool().query(`update backup_copies set status = 'failed', error = $2, finished_at = now() where id = $1`, [id, message.slice(0, 2000)]);
    log.error("Remote copy of a backup failed", { backupId: run.backupId, store: store.describe(), error: message });
    await notifyBackupProblem({ event: "backup.copy.failed", stack: run.stack, service: run.service, runId: run.id, backupId: run.backupId, error: message, at: new Date().toISOString() });
    return { id, store: store.kind, target: store.describe(), status: "failed", bytes: null, error: message };
  }
}

/** The after-success step of scheduled and manual backups: copy to REMOTE_TARGET when set. */
export async function copyToConfiguredRemote(run: BackupRunRow, dir: string, manifest: Manifest): Promise<CopyOutcome | null> {
  const store = storeFromEnv();
  if (!store) return null;
  return copyBackupToStore(run, dir, manifest, store);
}

export async function copiesOf(backupIds: string[]): Promise<Array<{ backupId: string; store: string; target: string; status: string; verified: boolean; error: string | null; finishedAt: Date | null }>> {
  if (backupIds.length === 0) return [];
  const { rows } = await pool().query(
    `select backup_id as "backupId", store, target, status, verified, error, finished_at as "finishedAt" from backup_copies where backup_id = any($1::text[]) order by started_at`,
    [backupIds],
  );
  return rows;
}

/** Deletes the recorded copies of a backup from their store (when it is the configured one). */
export async function removeRemoteCopies(backupId: string, store: RemoteStore | null = storeFromEnv()): Promise<number> {
  if (!store) return 0;
  const { rows } = await pool().query<{ id: string }>(`select id from backup_copies where backup_id = $1 and status = 'succeeded' and store = $2 and target = $3`, [backupId, store.kind, store.describe()]);
  if (rows.length === 0) return 0;
  await store.remove(backupId);
  await pool().query(`update backup_copies set status = 'deleted' where id = any($1::uuid[])`, [rows.map((r) => r.id)]);
  return rows.length;
}
