/**
 * The notification hook: when a backup fails, is interrupted, its remote copy fails, or a schedule's
 * slot passed without a backup (`backup.missed`), POST a small JSON summary to BACKUP_WEBHOOK_URL (a
 * chat webhook, an alerting endpoint). Best effort, bounded by a timeout; a hook that fails is logged,
 * never fails the backup. No secrets are in the payload.
 */
import { backupEnv } from "../config/env";
import { log } from "../log/logger";

export type BackupNotification =
  | {
      event: "backup.failed" | "backup.interrupted" | "backup.copy.failed";
      stack: string;
      service: string;
      runId: string;
      backupId: string;
      error: string;
      at: string;
    }
  | {
      /** A schedule's slot passed (beyond the grace) and no backup started: `at` is the slot (lib/backups/check-missed-backups.ts). */
      event: "backup.missed";
      stack: string;
      service: string;
      cron: string;
      error: string;
      at: string;
      /** How many slots this message covers (one message per schedule per check; `at` is the latest). */
      missedSlots: number;
    };

export async function notifyBackupProblem(n: BackupNotification, url: string | undefined = backupEnv().BACKUP_WEBHOOK_URL): Promise<boolean> {
  if (!url) return false;
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "opsdeck-backups" },
      body: JSON.stringify({ ...n, text: `Opsdeck: ${n.event} for ${n.stack}/${n.service}: ${n.error}` }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) log.warn("Backup webhook answered with an error", { status: res.status });
    return res.ok;
  } catch (error) {
    log.warn("Backup webhook could not be reached", { error });
    return false;
  }
}
